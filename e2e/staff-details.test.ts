import { expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { allowanceOverrides, buckets, criteria, ledger, participants, rounds } from '../server/src/db/schema.ts';
import { openFunding } from '../server/src/features/ledger/index.ts';
import { WAIT, describeInBrowser, expectAccessible } from './support/browser-app.ts';

/** The rest of issue 11's admin and reviewer list, each in the browser: grid, allowances by file, top-ups, search, changes asked. */
describeInBrowser('the smaller staff tasks, in the browser', (app) => {
  it('adds a criterion to the appraisal grid of a round not yet funding', async () => {
    const admin = await app.t.given.admin();
    const round = await app.t.given.round(admin.organisationId, { phase: 'proposals' });
    const page = await app.open(admin);
    await page.goto(`${app.origin}/rounds/${round.id}/manage`);
    await page.getByLabel('Nouveau critère').fill('Utilité pour tous');
    await page.getByLabel('Ce qu’il veut dire (facultatif)').fill('Le projet sert au plus grand nombre.');
    await page.getByRole('button', { name: 'Ajouter', exact: true }).click();
    await page.getByText('Critère ajouté.').first().waitFor(WAIT);
    await page.getByRole('listitem').filter({ hasText: 'Utilité pour tous' }).waitFor(WAIT);
    expect((await app.t.db.select().from(criteria).where(eq(criteria.roundId, round.id))).map((c) => c.title)).toEqual(['Utilité pour tous']);
  });

  it('sets allowances from a spreadsheet, all or nothing, then tops every participant up with a reason', async () => {
    const { t } = app;
    const admin = await t.given.admin();
    const ines = await t.given.member({ organisationId: admin.organisationId, name: 'Inès Martin' });
    const paul = await t.given.member({ organisationId: admin.organisationId, name: 'Paul Roux' });
    const round = await t.given.round(admin.organisationId, { phase: 'proposals', defaultAllowanceCents: 43_000 });
    const page = await app.open(admin);
    await page.goto(`${app.origin}/rounds/${round.id}/manage/allowances`);
    const file = (body: string) => ({ name: 'enveloppes.csv', mimeType: 'text/csv', buffer: Buffer.from(`email,amount\n${body}`) });
    const card = page.locator('.two > *').filter({ hasText: 'Enveloppes depuis un tableur' });

    await card.getByLabel('Fichier CSV').setInputFiles(file(`${ines.email},500\nnobody@nowhere.test,12\n`));
    await card.getByRole('button', { name: 'Importer' }).click();
    await card.getByRole('alert').getByText('Ligne 3').waitFor(WAIT);
    expect(await t.db.select().from(allowanceOverrides).where(eq(allowanceOverrides.roundId, round.id))).toEqual([]);

    await card.getByLabel('Fichier CSV').setInputFiles(file(`${ines.email},500\n${paul.email},"12,50"\n`));
    await card.getByRole('button', { name: 'Importer' }).click();
    await page.getByText('2 enveloppes fixées.').first().waitFor(WAIT);
    await page.getByRole('row').filter({ hasText: 'Paul Roux' }).getByText('12,50 €').waitFor(WAIT);
    await expectAccessible(page);

    // Funding opens; then the yearly top-up.
    await t.db.update(rounds).set({ phase: 'funding' }).where(eq(rounds.id, round.id));
    await t.db.transaction((tx) => openFunding(tx, round, admin.membershipId));
    await page.reload();
    await page.getByLabel('Montant par membre (EUR)').fill('20');
    await page.getByLabel('Pourquoi').fill('Complément 2027');
    await page.getByRole('button', { name: 'Compléter', exact: true }).click();
    await page.getByText(/20,00\s€ ajoutés pour \d+ membres\./).first().waitFor(WAIT);
    const [inesHolds] = await t.db.select().from(participants).where(and(eq(participants.roundId, round.id), eq(participants.membershipId, ines.membershipId)));
    expect(inesHolds?.allowanceCents).toBe(52_000);
    const grants = await t.db.select().from(ledger).where(and(eq(ledger.roundId, round.id), eq(ledger.kind, 'grant'), eq(ledger.deltaCents, 2_000)));
    expect(grants.length).toBeGreaterThanOrEqual(2);
    expect(grants.every((g) => g.reason === 'Complément 2027')).toBe(true);
  });

  it('finds a member by name or e-mail on the members page', async () => {
    const admin = await app.t.given.admin();
    await app.t.given.member({ organisationId: admin.organisationId, name: 'Inès Martin' });
    await app.t.given.member({ organisationId: admin.organisationId, name: 'Paul Roux' });
    const page = await app.open(admin);
    await page.goto(`${app.origin}/orgs/${admin.organisationId}/members`);
    await page.getByRole('row').filter({ hasText: 'Paul Roux' }).waitFor(WAIT);
    await page.getByLabel('Chercher par nom ou e-mail').fill('inès');
    await page.getByRole('row').filter({ hasText: 'Paul Roux' }).waitFor({ state: 'detached', ...WAIT });
    await page.getByRole('row').filter({ hasText: 'Inès Martin' }).waitFor(WAIT);
  });

  it('asks the proposers for changes with a reason: the project goes back to draft', async () => {
    const { t } = app;
    const reviewer = await t.given.member({ role: 'reviewer' });
    const proposer = await t.given.member({ organisationId: reviewer.organisationId, name: 'Marie Porteuse' });
    const round = await t.given.round(reviewer.organisationId, { phase: 'proposals', approvalRequired: true });
    const bucket = await t.given.bucket(round.id, proposer, { status: 'proposed', title: 'Un four à pain' });
    const page = await app.open(reviewer);
    await page.goto(`${app.origin}/rounds/${round.id}/review`);
    const card = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'Un four à pain' }) });
    await card.getByRole('button', { name: 'Demander des modifications…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Demander des modifications à « Un four à pain »' });
    await dialog.getByRole('button', { name: 'Renvoyer aux porteurs' }).click();
    await dialog.getByText('Donnez un motif : les porteurs le liront.').waitFor(WAIT);
    await dialog.getByLabel('Ce qui doit changer (obligatoire)').fill('Joignez un devis.');
    await dialog.getByRole('button', { name: 'Renvoyer aux porteurs' }).click();
    await page.getByText('« Un four à pain » est renvoyé à ses porteurs.', { exact: true }).waitFor(WAIT);
    const [after] = await t.db.select().from(buckets).where(eq(buckets.id, bucket.id));
    expect(after).toMatchObject({ status: 'draft', statusReason: 'Joignez un devis.' });
  });
});
