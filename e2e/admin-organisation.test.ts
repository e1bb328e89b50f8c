import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { memberships, rounds } from '../server/src/db/schema.ts';
import { PHONE, WAIT, describeInBrowser, docsScreenshot, expectAccessible, expectNoHorizontalScroll } from './support/browser-app.ts';

describeInBrowser('an admin runs the organisation in the browser', (app) => {
  const csv = (lines: string[]) => ({ name: 'membres.csv', mimeType: 'text/csv', buffer: Buffer.from(['email;name;role', ...lines].join('\n')) });
  const count = async (organisationId: string) => (await app.t.db.select().from(memberships).where(eq(memberships.organisationId, organisationId))).length;

  it('imports members from a spreadsheet: a bad line shows its error and nothing is imported, then the fixed file goes in', async () => {
    const admin = await app.t.given.admin();
    const page = await app.open(admin);
    await page.goto(app.origin);
    await page.getByRole('link', { name: 'Membres' }).click();
    await page.getByRole('heading', { level: 1, name: 'Membres' }).waitFor(WAIT);

    const before = await count(admin.organisationId);
    await page.getByLabel('Fichier CSV').setInputFiles(csv(['ines@coop.test;Inès Martin;member', 'pas-une-adresse;Paul;member', 'zoe@coop.test;Zoé;tresorier']));
    await page.getByRole('button', { name: 'Importer' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Rien n’a été importé' });
    await refusal.waitFor(WAIT);
    await refusal.getByText('Ligne 3 :').waitFor(WAIT);
    await refusal.getByText('Ligne 4 :').waitFor(WAIT);
    expect(await count(admin.organisationId)).toBe(before);
    await expectAccessible(page);

    await page.getByLabel('Fichier CSV').setInputFiles(csv(['ines@coop.test;Inès Martin;member', 'paul@coop.test;Paul;member', 'zoe@coop.test;Zoé;accountant']));
    await page.getByRole('button', { name: 'Importer' }).click();
    await page.getByText('3 membres importés.').first().waitFor(WAIT);
    await page.getByRole('row').filter({ hasText: 'Inès Martin' }).waitFor(WAIT);
    expect(await count(admin.organisationId)).toBe(before + 3);
  });

  it('adds a member, changes a role, deactivates someone, and erases only after saying what erasure does', async () => {
    const admin = await app.t.given.admin();
    await app.t.given.member({ organisationId: admin.organisationId, name: 'Bruno Petit' });
    const page = await app.open(admin, { locale: 'en' });
    await page.goto(`${app.origin}/orgs/${admin.organisationId}/members`);

    await page.getByLabel('Name', { exact: true }).fill('Chloé Durand');
    await page.getByLabel('E-mail address').fill('chloe@coop.test');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const chloe = page.getByRole('row').filter({ hasText: 'Chloé Durand' });
    await chloe.waitFor(WAIT);

    await chloe.getByLabel('Role of Chloé Durand').selectOption('reviewer');
    await page.getByText('Chloé Durand’s role is changed.').first().waitFor(WAIT);

    // Staff hold an allowance only as sociétaires: the admin marks her so.
    await chloe.getByLabel('Chloé Durand is a sociétaire').check();
    await page.getByText('Chloé Durand is marked as a sociétaire.').first().waitFor(WAIT);
    const [marked] = await app.t.db.select().from(memberships).where(eq(memberships.name, 'Chloé Durand'));
    expect(marked?.eligible).toBe(true);

    const bruno = page.getByRole('row').filter({ hasText: 'Bruno Petit' });
    await bruno.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByText('Bruno Petit is deactivated').first().waitFor(WAIT);
    await page.getByLabel('Show').selectOption('former');
    await page.getByRole('row').filter({ hasText: 'Bruno Petit' }).getByRole('button', { name: 'Erase…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase Bruno Petit?' });
    await dialog.getByText('This cannot be undone.').waitFor(WAIT);
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Erase for good' }).click();
    await page.getByRole('row').filter({ hasText: 'Erased' }).waitFor(WAIT);
    await page.getByLabel('Show').selectOption('active');

    const phone = await app.open(admin, { viewport: PHONE });
    await phone.goto(`${app.origin}/orgs/${admin.organisationId}/members`);
    await phone.getByRole('row').filter({ hasText: 'Chloé Durand' }).waitFor(WAIT);
    await expectNoHorizontalScroll(phone);
  });

  it('creates a round with its rules and dates in the organisation’s time zone, and edits the organisation', async () => {
    const admin = await app.t.given.admin();
    const page = await app.open(admin);
    await page.goto(app.origin);
    await page.getByRole('link', { name: 'Nouveau budget' }).click();
    await page.getByLabel('Titre').fill('Projets 2028');
    await page.getByLabel('Enveloppe par membre (EUR)').fill('430');
    await page.getByLabel('Clôture du financement').fill('2028-03-31T18:00');
    await page.getByRole('radio', { name: /Le CA décide/ }).check();
    await expectAccessible(page);
    await docsScreenshot(page, 'admin-new-round-fr-laptop', true);
    await page.getByRole('button', { name: 'Créer le budget' }).click();
    await page.getByText('« Projets 2028 » est créé, en brouillon.').first().waitFor(WAIT);
    const [round] = await app.t.db.select().from(rounds).where(eq(rounds.organisationId, admin.organisationId));
    expect(round).toMatchObject({ title: 'Projets 2028', defaultAllowanceCents: 43_000, shortfallRule: 'board', phase: 'draft' });
    // 18:00 in Paris at the end of March (summer time) is 16:00 UTC.
    expect(round?.closesAt?.toISOString()).toBe('2028-03-31T16:00:00.000Z');

    await page.goto(`${app.origin}/orgs/${admin.organisationId}/settings`);
    await page.getByLabel('Nom de l’organisation').fill('Coopérative des Tilleuls');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Les réglages sont enregistrés.').first().waitFor(WAIT);
    await page.getByText('Coopérative des Tilleuls').first().waitFor(WAIT);
    await expectAccessible(page);
  });
});
