import { it } from 'vitest';
import type { Page } from 'playwright-core';
import { openFunding } from '../server/src/features/ledger/index.ts';
import { LAPTOP, PHONE, WAIT, describeInBrowser, docsScreenshot, expectAccessible, expectNoHorizontalScroll } from './support/browser-app.ts';

/**
 * The staff's main screens as a person sees them, in French and English, on a laptop and a phone:
 * each is checked (axe, no sideways scroll) and photographed into docs/screenshots/ for the README.
 */
describeInBrowser('the staff screens, in both languages and both sizes', (app) => {
  const words = {
    fr: { file: 'Fichier CSV', import: 'Importer', refused: 'Ligne 3 :', find: 'Trouver le membre (nom ou e-mail)', enter: 'Saisir le bulletin', amountFor: 'Montant pour Rénover la cuisine', entered: '30,00 € saisis', create: 'Créer un lien', once: 'Copiez ce lien maintenant' },
    en: { file: 'CSV file', import: 'Import', refused: 'Line 3:', find: 'Find the member (name or e-mail)', enter: 'Enter the ballot', amountFor: 'Amount for Rénover la cuisine', entered: '€30.00 entered', create: 'Create a link', once: 'Copy this link now' },
  };

  /** A cooperative in funding with members, three projects with money in them, and a proposer's projects. */
  async function cooperative() {
    const { given, db } = app.t;
    const org = await given.org({ name: 'Coopérative des Tilleuls' });
    const admin = await given.member({ organisationId: org.id, role: 'admin', name: 'Claire Dupont' });
    const marie = await given.member({ organisationId: org.id, name: 'Marie Porteuse' });
    for (const name of ['Inès Martin', 'Paul Roux', 'Zoé Lefort', 'Hugo Lefèvre']) await given.member({ organisationId: org.id, name });
    await given.member({ organisationId: org.id, role: 'reviewer', name: 'Rémi Blanc' });
    const round = await given.round(org.id, { title: 'Projets collectifs 2027', phase: 'funding', shortfallRule: 'board', defaultAllowanceCents: 43_000 });
    const projects = [
      { title: 'Un four à pain partagé', amountCents: 60_000 },
      { title: 'Un vélo-cargo partagé', amountCents: 138_000 },
      { title: 'Rénover la cuisine', amountCents: 106_000 },
    ];
    const buckets = [];
    for (const p of projects) buckets.push(await given.bucket(round.id, marie, { status: 'open', title: p.title, lines: [{ label: 'Matériel', amountCents: p.amountCents, essential: true }] }));
    await given.bucket(round.id, marie, { status: 'draft', title: 'Des bancs pour la place' });
    await db.transaction((tx) => openFunding(tx, round, admin.membershipId));
    await app.t.allocate(marie, buckets[0]?.id ?? '', 43_000 - 10_000, { headers: { 'idempotency-key': crypto.randomUUID() } }).expect(200);
    await app.t.allocate(marie, buckets[1]?.id ?? '', 10_000, { headers: { 'idempotency-key': crypto.randomUUID() } }).expect(200);
    return { org, admin, marie, round };
  }

  async function shoot(page: Page, name: string, fullPage = true) {
    // A toast is there for a few seconds: the photograph shows the page under it.
    for (const close of await page.locator('.toast-close').all()) await close.click();
    await page.locator('.toast-root').first().waitFor({ state: 'detached', ...WAIT });
    await expectNoHorizontalScroll(page);
    await expectAccessible(page);
    await docsScreenshot(page, name, fullPage);
  }

  for (const locale of ['fr', 'en'] as const) {
    for (const [screen, viewport] of [['laptop', LAPTOP], ['phone', PHONE]] as const) {
      it(`shows the admin's and the proposer's screens finished (${locale}, ${screen})`, async () => {
        const w = words[locale];
        const { org, admin, marie, round } = await cooperative();
        const page = await app.open(admin, { locale, viewport });
        const at = async (path: string) => {
          await page.goto(`${app.origin}${path}`);
          await page.getByRole('heading', { level: 1 }).waitFor(WAIT);
        };

        await at(`/orgs/${org.id}/members`);
        await page.getByRole('row').filter({ hasText: 'Inès Martin' }).waitFor(WAIT);
        await shoot(page, `admin-members-${locale}-${screen}`, screen === 'laptop');
        await page.getByLabel(w.file).setInputFiles({ name: 'membres.csv', mimeType: 'text/csv', buffer: Buffer.from('email;name;role\nlou@coop.test;Lou;member\npas-une-adresse;Paul;member\n') });
        await page.getByRole('button', { name: w.import, exact: true }).click();
        const refusal = page.getByRole('alert').filter({ hasText: w.refused });
        await refusal.waitFor(WAIT);
        await refusal.scrollIntoViewIfNeeded();
        await shoot(page, `admin-members-import-error-${locale}-${screen}`, false);

        await at(`/rounds/${round.id}/manage`);
        await shoot(page, `admin-round-settings-${locale}-${screen}`, screen === 'laptop');

        await at(`/rounds/${round.id}/manage/ballots`);
        await page.getByLabel(w.find).fill('paul');
        await page.getByRole('button', { name: /Paul Roux/ }).click();
        await page.getByLabel(w.amountFor).fill('30');
        await page.getByRole('button', { name: w.enter }).click();
        await page.getByText(w.entered).waitFor(WAIT);
        await shoot(page, `admin-paper-ballot-${locale}-${screen}`);

        await at(`/rounds/${round.id}/manage/projector`);
        await page.getByRole('button', { name: w.create }).click();
        await page.getByText(w.once).waitFor(WAIT);
        await shoot(page, `admin-projector-links-${locale}-${screen}`);

        await at(`/rounds/${round.id}/manage/close`);
        await page.getByRole('row').filter({ hasText: 'Rénover la cuisine' }).waitFor(WAIT);
        await shoot(page, `admin-close-preview-${locale}-${screen}`);

        const proposer = await app.open(marie, { locale, viewport });
        await proposer.goto(`${app.origin}/my-projects`);
        await proposer.getByRole('heading', { level: 2, name: 'Des bancs pour la place' }).waitFor(WAIT);
        await shoot(proposer, `proposer-my-projects-${locale}-${screen}`);
      }, 240_000);
    }
  }
});
