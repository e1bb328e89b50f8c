import request from 'supertest';
import { it } from 'vitest';
import { formatMoney } from '@cagnotte/shared';
import { PHONE, WAIT, describeInBrowser, docsScreenshot, expectAccessible, expectNoHorizontalScroll } from './support/browser-app.ts';

describeInBrowser('a reviewer’s queue', (app) => {
  async function seed() {
    const { t } = app;
    const admin = await t.given.admin();
    const org = admin.organisationId;
    const reviewer = await t.given.member({ organisationId: org, role: 'reviewer', name: 'Rémi Relecteur' });
    const proposer = await t.given.member({ organisationId: org, name: 'Paula Porteuse' });
    const round = await t.given.round(org, { title: 'Budget 2027', phase: 'proposals', approvalRequired: true });
    const garden = await t.given.bucket(round.id, proposer, { title: 'Jardin partagé', summary: 'Des bacs de culture dans la cour.', status: 'proposed' });
    const oven = await t.given.bucket(round.id, proposer, { title: 'Four à pain', summary: 'Un four commun pour le quartier.', status: 'proposed' });
    const ovenBis = await t.given.bucket(round.id, proposer, { title: 'Four à pain collectif', summary: 'Le même four, proposé deux fois.', status: 'proposed' });
    const criterion = await t.given.criterion(round.id, { title: 'Utilité pour tous' });
    await request(t.app.server)
      .post(`/api/buckets/${oven.id}/flags`)
      .set(t.given.authFor(admin))
      .send({ criterionId: criterion.id, reason: 'Qui y aura accès ?' })
      .expect(201);
    return { reviewer, round, garden, oven, ovenBis };
  }

  it('approves one project, rejects another with a reason that shows in the history, costs and merges', async () => {
    const { reviewer, round } = await seed();
    const page = await app.open(reviewer, { locale: 'fr' });
    await page.goto(`${app.origin}/rounds/${round.id}/review`);
    await page.getByRole('heading', { level: 1, name: 'Relecture' }).waitFor(WAIT);
    const garden = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'Jardin partagé' }) });
    await garden.getByText(formatMoney(100_000, 'EUR', 'fr')).first().waitFor(WAIT);
    await page.getByRole('table').filter({ hasText: 'Utilité pour tous' }).waitFor(WAIT);
    await expectAccessible(page);
    await docsScreenshot(page, 'reviewer-queue-fr-laptop', true);

    // A costing note with an estimate, typed the French way.
    await garden.getByRole('button', { name: 'Ajouter une note de chiffrage' }).click();
    await garden.getByLabel('Votre note').fill('Devis de la jardinerie vérifié.');
    await garden.getByLabel(/Votre estimation/).fill('1 180,50');
    await garden.getByRole('button', { name: 'Ajouter la note' }).click();
    await garden.getByText(`Estimation : ${formatMoney(118_050, 'EUR', 'fr')}`).waitFor(WAIT);

    // Approve, with the keyboard.
    await garden.getByRole('button', { name: 'Approuver' }).focus();
    await page.keyboard.press('Enter');
    const approve = page.getByRole('dialog', { name: 'Approuver « Jardin partagé » ?' });
    await approve.waitFor(WAIT);
    await expectAccessible(page);
    await page.keyboard.press('Tab');
    await approve.getByLabel(/Un mot pour les porteurs/).fill('Bien chiffré.');
    await approve.getByRole('button', { name: 'Approuver' }).press('Enter');
    await page.getByText('« Jardin partagé » est approuvé et ouvert au financement.', { exact: true }).waitFor(WAIT);
    await garden.waitFor({ state: 'detached', ...WAIT });

    // Reject: the reason is required, then it is recorded.
    const oven = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'Four à pain', exact: true }) });
    await oven.getByRole('button', { name: 'Refuser…' }).click();
    const reject = page.getByRole('dialog', { name: 'Refuser « Four à pain » ?' });
    await reject.getByRole('button', { name: 'Refuser le projet' }).click();
    await reject.getByText('Donnez un motif : les porteurs le liront.').waitFor(WAIT);
    await reject.getByLabel('Pourquoi (obligatoire)').fill('Hors du périmètre du budget.');
    await reject.getByRole('button', { name: 'Refuser le projet' }).click();
    await page.getByText('« Four à pain » est refusé.', { exact: true }).waitFor(WAIT);

    // Merge the duplicate into the approved garden? No: into its twin, keeping the other one.
    await page.getByRole('radio', { name: /Tous les projets/ }).check();
    const bis = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'Four à pain collectif' }) });
    await bis.getByRole('button', { name: 'Fusionner…' }).click();
    const merge = page.getByRole('dialog', { name: /Fusionner « Four à pain collectif »/ });
    await merge.getByLabel('Le projet semblable').selectOption({ label: 'Jardin partagé' });
    await merge.getByRole('radio', { name: 'Garder l’autre' }).check();
    await merge.getByText('« Four à pain collectif » sera fusionné dans « Jardin partagé ».').waitFor(WAIT);
    await merge.getByLabel(/Pourquoi/).fill('Doublon.');
    await merge.getByRole('button', { name: 'Fusionner' }).click();
    await page.getByText('« Four à pain collectif » est fusionné dans « Jardin partagé ».', { exact: true }).waitFor(WAIT);
    await bis.getByText('Fusionné').waitFor(WAIT);

    await page.goto(`${app.origin}/rounds/${round.id}/history`);
    await page.getByText('Hors du périmètre du budget.').waitFor(WAIT);
    await page.getByText('Doublon.').waitFor(WAIT);
  });

  it('explains a refusal from the server in the dialog', async () => {
    const { t } = app;
    const { reviewer, round, oven } = await seed();
    const page = await app.open(reviewer, { locale: 'en' });
    await page.goto(`${app.origin}/rounds/${round.id}/review`);
    const card = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'Four à pain', exact: true }) });
    await card.getByRole('button', { name: 'Approve' }).click();
    // Someone else sent it back meanwhile.
    await request(t.app.server).post(`/api/buckets/${oven.id}/request-changes`).set(t.given.authFor(reviewer)).send({ reason: 'Add a quote.' }).expect(200);
    const dialog = page.getByRole('dialog', { name: 'Approve “Four à pain”?' });
    await dialog.getByRole('button', { name: 'Approve' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'The project changed meanwhile' }).waitFor(WAIT);
    await page.keyboard.press('Escape');
    await card.waitFor({ state: 'detached', ...WAIT });
    await page.getByText('Nothing to review', { exact: true }).waitFor({ state: 'hidden', ...WAIT });
  });

  it('reads in English and fits a phone', async () => {
    const { reviewer, round } = await seed();
    const laptop = await app.open(reviewer, { locale: 'en' });
    await laptop.goto(`${app.origin}/rounds/${round.id}/review`);
    await laptop.getByRole('heading', { level: 1, name: 'Review' }).waitFor(WAIT);
    await laptop.getByRole('table').filter({ hasText: 'Utilité pour tous' }).waitFor(WAIT);
    await laptop.getByRole('article').first().getByText('Minimum (essential lines)').waitFor(WAIT);
    await expectAccessible(laptop);
    await docsScreenshot(laptop, 'reviewer-queue-en-laptop', true);

    for (const locale of ['fr', 'en'] as const) {
      const phone = await app.open(reviewer, { locale, viewport: PHONE });
      await phone.goto(`${app.origin}/rounds/${round.id}/review`);
      await phone.getByRole('table').filter({ hasText: 'Utilité pour tous' }).waitFor(WAIT);
      await phone.getByRole('article').first().getByRole('table').waitFor(WAIT);
      await expectNoHorizontalScroll(phone);
      await expectAccessible(phone);
      await docsScreenshot(phone, `reviewer-queue-${locale}-phone`);
    }
  });
});
