import request from 'supertest';
import { expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { buckets, ledger, participants, rounds } from '../server/src/db/schema.ts';
import { PHONE, WAIT, describeInBrowser, docsScreenshot, expectAccessible, expectNoHorizontalScroll } from './support/browser-app.ts';

describeInBrowser('an admin runs a round in the browser', (app) => {
  it('moves the phases, sets an allowance, enters a paper ballot, creates a projector link, previews and performs the close, and decides for the board', async () => {
    const { t } = app;
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { title: 'Budget 2027', phase: 'draft', shortfallRule: 'board', defaultAllowanceCents: 43_000 });
    const paul = await t.given.member({ organisationId: admin.organisationId, name: 'Paul Paper' });
    const lea = await t.given.member({ organisationId: admin.organisationId, name: 'Léa Martin' });
    await t.given.bucket(round.id, admin, { status: 'open', title: 'Jardin partagé', lines: [{ label: 'Bacs', amountCents: 50_000, essential: true }] });
    const bikes = await t.given.bucket(round.id, admin, { status: 'open', title: 'Vélos cargo', lines: [{ label: 'Vélos', amountCents: 90_000, essential: true }] });
    const page = await app.open(admin);

    await page.goto(`${app.origin}/rounds/${round.id}/manage`);
    await page.getByRole('button', { name: 'Ouvrir aux propositions' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Oui, continuer' }).click();
    await page.getByText('Le budget est maintenant en « Propositions ».').first().waitFor(WAIT);

    await page.getByRole('link', { name: 'Enveloppes' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Paul Paper' });
    await row.getByRole('button', { name: 'Modifier' }).click();
    await row.getByLabel('Enveloppe de Paul Paper').fill('500');
    await row.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Paul Paper détient maintenant 500,00 €.').first().waitFor(WAIT);

    await page.getByRole('link', { name: 'Phase et réglages' }).click();
    await page.getByRole('button', { name: 'Ouvrir le financement' }).click();
    const opening = page.getByRole('dialog');
    await opening.getByText(/reçoit maintenant/).waitFor(WAIT);
    await expectAccessible(page);
    await opening.getByRole('button', { name: 'Oui, continuer' }).click();
    await page.getByText('Le budget est maintenant en « Financement ouvert ».').first().waitFor(WAIT);

    // Paul voted on paper: all his 500 € to the garden.
    await page.getByRole('link', { name: 'Bulletins papier' }).click();
    await page.getByLabel('Trouver le membre (nom ou e-mail)').fill('paul');
    await page.getByRole('button', { name: /Paul Paper/ }).click();
    await page.getByLabel('Montant pour Jardin partagé').fill('500');
    await page.getByRole('button', { name: 'Saisir le bulletin' }).click();
    await page.getByText('500,00 € saisis (0,00 € restants).').waitFor(WAIT);
    await expectAccessible(page);
    const [paperRow] = await t.db.select().from(ledger).where(and(eq(ledger.roundId, round.id), eq(ledger.kind, 'allocate')));
    expect(paperRow).toMatchObject({ deltaCents: 50_000, enteredBy: admin.membershipId });
    const [paulParticipant] = await t.db.select().from(participants).where(eq(participants.membershipId, paul.membershipId));
    expect(paperRow?.participantId).toBe(paulParticipant?.id);

    await request(t.app.server).put(`/api/buckets/${bikes.id}/allocation`).set(t.given.authFor(lea)).send({ amountCents: 30_000 }).expect(200);

    await page.getByRole('link', { name: 'Projecteur' }).click();
    await page.getByRole('button', { name: 'Créer un lien' }).click();
    await page.getByText('Copiez ce lien maintenant').waitFor(WAIT);
    expect(await page.locator('.url code').textContent()).toMatch(/\/projector\/[\w-]+#.{20,}/);
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Clôture' }).click();
    const preview = (title: string) => page.getByRole('row').filter({ hasText: title });
    await preview('Jardin partagé').getByText('Financé').waitFor(WAIT);
    await preview('Vélos cargo').getByText('Laissé au CA').waitFor(WAIT);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Clôturer le budget maintenant' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Clôturer le budget' }).click();
    await page.getByText('Le budget est clos.').first().waitFor(WAIT);
    expect((await t.db.select().from(rounds).where(eq(rounds.id, round.id)))[0]?.phase).toBe('closed');

    await page.getByLabel('La raison du CA').fill('Le CA complète avec le fonds de réserve.');
    await page.getByRole('button', { name: 'Accepter' }).click();
    await page.getByText('« Vélos cargo » se réalise.').first().waitFor(WAIT);
    expect((await t.db.select().from(buckets).where(eq(buckets.id, bikes.id)))[0]?.status).toBe('funded');

    const phone = await app.open(admin, { viewport: PHONE });
    for (const path of ['manage', 'manage/allowances', 'manage/close']) {
      await phone.goto(`${app.origin}/rounds/${round.id}/${path}`);
      await phone.getByRole('heading', { level: 1 }).waitFor(WAIT);
      await expectNoHorizontalScroll(phone);
      if (path === 'manage/allowances') await docsScreenshot(phone, 'admin-allowances-fr-phone', true);
    }
  });
});
