import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { buckets, organisations } from '../server/src/db/schema.ts';
import { issueSetupLink } from '../server/src/features/setup/service.ts';
import { WAIT, describeInBrowser } from './support/browser-app.ts';

/**
 * Issue 11's "done when", in one story and in the browser only: a fresh instance, a cooperative
 * created from the setup link, members imported, a project proposed, reviewed, funded, the close
 * previewed and performed, the accountant's files reconciling. Every step is a person's click;
 * the only other thing used is the e-mail each person receives.
 */
describeInBrowser('a new cooperative runs a whole round in the browser', (app) => {
  /** What a person does with the e-mailed link: ask for it, open it. */
  async function signIn(email: string): Promise<Page> {
    const page = await app.open(null);
    await page.goto(`${app.origin}/sign-in`);
    await page.getByLabel('Adresse e-mail').fill(email);
    await page.getByRole('button', { name: 'Recevoir un lien de connexion' }).click();
    await page.getByRole('status').filter({ hasText: email }).waitFor(WAIT);
    // The link is queued after the reply (which is the same for any address): wait for it.
    const signInLink = () => app.t.mail.sent.map((m) => (m.to === email ? /https?:\/\/\S+\/sign-in#token=[\w-]+/.exec(m.body)?.[0] : undefined)).find(Boolean);
    await expect.poll(async () => {
      await app.t.app.jobs.drainMail();
      return signInLink();
    }, WAIT).toBeDefined();
    const link = new URL(signInLink() ?? '');
    await page.goto(`${app.origin}${link.pathname}${link.hash}`);
    await page.getByRole('heading', { level: 1, name: /^Bonjour/ }).waitFor(WAIT);
    return page;
  }

  it('from the setup link to files that reconcile to the cent', async () => {
    const { t } = app;
    expect(await t.db.select().from(organisations)).toEqual([]);

    // The first run: the link the app prints at start.
    const admin = await app.open(null);
    await admin.goto((await issueSetupLink(t.db, { publicUrl: app.origin, now: () => new Date() }))!);
    await admin.getByLabel('Nom de l’organisation').fill('Artefacts');
    await admin.getByLabel('Nom', { exact: true }).fill('Claire Dupont');
    await admin.getByLabel('Adresse e-mail').fill('claire@artefacts.test');
    await admin.getByLabel('Fuseau horaire').selectOption('Europe/Paris');
    await admin.getByRole('button', { name: 'Créer l’organisation' }).click();

    // Members from the cooperative's spreadsheet.
    await admin.getByRole('link', { name: 'Inviter les membres' }).click();
    await admin.getByLabel('Fichier CSV').setInputFiles({
      name: 'membres.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('email;name;role\nines@artefacts.test;Inès Martin;member\npaul@artefacts.test;Paul Roux;member\nremi@artefacts.test;Rémi Blanc;reviewer\nzoe@artefacts.test;Zoé Lefort;accountant\n'),
    });
    await admin.getByRole('button', { name: 'Importer' }).click();
    await admin.getByText('4 membres importés.').first().waitFor(WAIT);

    // A round: €430 each, reviewed before funding.
    await admin.getByRole('link', { name: 'Nouveau budget' }).click();
    await admin.getByLabel('Titre').fill('Projets 2027');
    await admin.getByLabel('Enveloppe par membre (EUR)').fill('430');
    await admin.getByRole('button', { name: 'Créer le budget' }).click();
    await admin.getByRole('button', { name: 'Ouvrir aux propositions' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Oui, continuer' }).click();
    await admin.getByText('Le budget est maintenant en « Propositions ».').first().waitFor(WAIT);
    const roundId = /\/rounds\/([\w-]+)\/manage/.exec(admin.url())?.[1] ?? '';

    // Inès proposes a project and submits it.
    const ines = await signIn('ines@artefacts.test');
    await ines.getByRole('link', { name: 'Projets 2027' }).click();
    await ines.getByRole('link', { name: 'Proposer un projet' }).click();
    await ines.locator('#bucket-title').fill('Un four à pain partagé');
    await ines.locator('#bucket-summary').fill('Un four à bois dans la cour.');
    await ines.locator('#line-label-0').fill('Briques réfractaires');
    await ines.locator('#line-label-0').press('Tab');
    await ines.keyboard.type('600');
    await ines.locator('#save-bucket').click();
    await ines.locator('#submit-bucket').click();
    await ines.getByText('En examen').first().waitFor(WAIT);

    // Rémi, the reviewer, approves it.
    const remi = await signIn('remi@artefacts.test');
    await remi.goto(`${app.origin}/rounds/${roundId}/review`);
    const card = remi.getByRole('article').filter({ hasText: 'Un four à pain partagé' });
    await card.getByRole('button', { name: 'Approuver' }).click();
    await remi.getByRole('dialog').getByRole('button', { name: 'Approuver' }).click();
    await card.waitFor({ state: 'detached', ...WAIT });

    // The admin opens funding, and puts up the projector.
    await admin.goto(`${app.origin}/rounds/${roundId}/manage`);
    await admin.getByRole('button', { name: 'Ouvrir le financement' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Oui, continuer' }).click();
    await admin.getByText('Le budget est maintenant en « Financement ouvert ».').first().waitFor(WAIT);
    await admin.getByRole('link', { name: 'Projecteur' }).click();
    await admin.getByRole('button', { name: 'Créer un lien' }).click();
    const projectorUrl = (await admin.locator('.url code').textContent()) ?? '';
    const board = await app.open(null, { viewport: { width: 1920, height: 1080 } });
    await board.goto(`${app.origin}${new URL(projectorUrl).pathname}${new URL(projectorUrl).hash}`);
    await board.getByRole('heading', { level: 1, name: 'Projets 2027' }).waitFor(WAIT);

    // Inès and Paul fund the oven: 430 + 170 = its 600 minimum, which the board celebrates.
    await ines.goto(`${app.origin}/rounds/${roundId}`);
    await ines.getByLabel('Mon montant — Un four à pain partagé').fill('430');
    await ines.getByLabel('Mon montant — Un four à pain partagé').press('Enter');
    await ines.getByText('Reste').first().waitFor(WAIT);
    const paul = await signIn('paul@artefacts.test');
    await paul.goto(`${app.origin}/rounds/${roundId}`);
    await paul.getByLabel('Mon montant — Un four à pain partagé').fill('170');
    await paul.getByLabel('Mon montant — Un four à pain partagé').press('Enter');
    await board.getByText('Minimum atteint').first().waitFor(WAIT);

    // The close, previewed then performed.
    await admin.goto(`${app.origin}/rounds/${roundId}/manage/close`);
    await admin.getByRole('row').filter({ hasText: 'Un four à pain partagé' }).getByText('Financé').waitFor(WAIT);
    await admin.getByRole('button', { name: 'Clôturer le budget maintenant' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Clôturer le budget' }).click();
    await admin.getByText('Le budget est clos.').first().waitFor(WAIT);
    const [oven] = await t.db.select().from(buckets).where(eq(buckets.title, 'Un four à pain partagé'));
    expect(oven).toMatchObject({ status: 'funded', fundedCents: 60_000 });

    // Zoé, the accountant: the books reconcile, and the members' file says the same.
    const zoe = await signIn('zoe@artefacts.test');
    await zoe.goto(`${app.origin}/rounds/${roundId}/accounts`);
    await zoe.getByText('Rapproché au centime').first().waitFor(WAIT);
    const [download] = await Promise.all([zoe.waitForEvent('download', WAIT), zoe.getByRole('link', { name: 'Télécharger members.csv' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.startsWith('\uFEFF'), 'a BOM, for French spreadsheets').toBe(true);
    const ines430 = csv.split('\n').find((line) => line.includes('Inès Martin'));
    expect(ines430).toContain('430,00');
  });
});
