import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { formatMoney } from '@cagnotte/shared';
import { openFunding } from '../server/src/features/ledger/index.ts';
import type { Member } from '../server/test/given.ts';
import { PHONE, WAIT, describeInBrowser, docsScreenshot, expectAccessible, expectNoHorizontalScroll } from './support/browser-app.ts';

describeInBrowser('a member on a project’s page', (app) => {
  /** Calls the API as `member` would with a script: how the other people of a test act. */
  async function api(member: Member, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object, headers: Record<string, string> = {}) {
    const reply = await app.t.app.inject({ method, url, payload, headers: { ...app.t.given.authFor(member), ...headers } });
    expect(reply.statusCode, reply.body).toBeLessThan(300);
    return reply.json<{ id: string; revision: number }>();
  }

  /**
   * A neighbourhood cooperative's round in funding with one open project: three budget lines
   * (two essential), a co-proposer invited, an edit, another member's money and comment, and the
   * round's appraisal grid of two criteria.
   */
  async function aProject() {
    const { given } = app.t;
    const org = await given.org({ name: 'Coopérative des Lilas' });
    const camille = await given.member({ organisationId: org.id, role: 'admin', name: 'Camille Martin', eligible: true });
    const lea = await given.member({ organisationId: org.id, name: 'Léa Dubois' });
    const bastien = await given.member({ organisationId: org.id, name: 'Bastien Roux' });
    const round = await given.round(org.id, { title: 'Budget participatif 2027', phase: 'funding' });
    const usefulness = await given.criterion(round.id, { title: 'Utilité collective', description: 'Le projet sert à tous les habitants, pas à quelques-uns.' });
    const accessible = await given.criterion(round.id, { title: 'Accessibilité', description: 'Utilisable en fauteuil et avec une poussette.' });
    const bucket = await given.bucket(round.id, camille, {
      status: 'open',
      title: 'Des bancs pour la place du marché',
      summary: 'Six bancs en chêne et des jardinières, pour s’asseoir à l’ombre les jours de marché.',
      description: 'Les jours de marché, **personne ne peut s’asseoir** sur la place.\n\n- six bancs en chêne\n- quatre jardinières\n- un éclairage solaire, si le budget le permet',
      lines: [
        { label: 'Six bancs en chêne', amountCents: 120_000, essential: true },
        { label: 'Quatre jardinières', amountCents: 30_000, essential: true },
        { label: 'Éclairage solaire', amountCents: 45_000, essential: false },
      ],
    });
    await app.t.db.transaction((tx) => openFunding(tx, round, camille.membershipId));
    await api(camille, 'POST', `/api/buckets/${bucket.id}/proposers`, { email: bastien.email });
    await api(camille, 'PATCH', `/api/buckets/${bucket.id}`, { revision: bucket.revision, summary: 'Six bancs en chêne et des jardinières sur la place du marché, à l’ombre des platanes.' });
    await api(bastien, 'PUT', `/api/buckets/${bucket.id}/allocation`, { amountCents: 40_000 }, { 'idempotency-key': crypto.randomUUID() });
    return { round, bucket, camille, lea, bastien, usefulness, accessible };
  }

  const eur = (cents: number, locale: 'fr' | 'en' = 'fr') => formatMoney(cents, 'EUR', locale);

  async function openProject(page: Page, bucketId: string) {
    await page.goto(`${app.origin}/buckets/${bucketId}`);
    await page.getByRole('heading', { level: 1, name: 'Des bancs pour la place du marché' }).waitFor(WAIT);
  }

  it('shows the budget lines with the minimum and maximum they make, the proposers and the funding', async () => {
    const { round, bucket, lea } = await aProject();
    const page = await app.open(lea);
    await openProject(page, bucket.id);

    const budget = page.getByRole('table', { name: 'Budget' });
    await expect.poll(() => budget.getByRole('row').filter({ hasText: 'Six bancs en chêne' }).innerText()).toContain(eur(120_000));
    expect(await budget.getByRole('row').filter({ hasText: 'Éclairage solaire' }).innerText()).toContain('Optionnelle');
    expect(await budget.getByRole('row', { name: /Minimum/ }).innerText()).toContain(eur(150_000));
    expect(await budget.getByRole('row', { name: /Maximum/ }).innerText()).toContain(eur(195_000));

    const proposers = page.getByRole('region', { name: 'Porté par' });
    await proposers.getByText('Camille Martin').waitFor(WAIT);
    expect(await proposers.getByRole('listitem').filter({ hasText: 'Bastien Roux' }).innerText()).toContain('Invité');

    const funding = page.getByRole('region', { name: 'Financement' });
    await funding.getByText(eur(40_000)).first().waitFor(WAIT);
    await funding.getByText(`${eur(110_000)} jusqu’au minimum`).waitFor(WAIT);
    await funding.getByText('1 contributeur').waitFor(WAIT);
    await funding.getByText('Vous n’avez rien donné à ce projet.').waitFor(WAIT);

    // The edit is told as who changed what, from what to what.
    const changes = page.getByRole('region', { name: 'Modifications' });
    await changes.getByText('Camille Martin', { exact: false }).waitFor(WAIT);
    await changes.getByText('à l’ombre des platanes', { exact: false }).waitFor(WAIT);

    // Opened from an e-mail, the way back is a link to the round.
    const back = page.getByRole('link', { name: 'Retour à Budget participatif 2027' });
    expect(await back.getAttribute('href')).toBe(`/rounds/${round.id}`);
    await expectAccessible(page);
  });

  it('takes a comment, lets its author edit it, and shows another member’s after a reload', async () => {
    const { bucket, lea, bastien } = await aProject();
    const page = await app.open(lea);
    await openProject(page, bucket.id);
    const comments = page.getByRole('region', { name: /Commentaires/ });
    await comments.getByText('Pas encore de commentaire').waitFor(WAIT);

    await comments.getByLabel('Votre commentaire').fill('Les bancs auront-ils un **dossier** ?');
    await comments.getByRole('button', { name: 'Publier le commentaire' }).click();
    const mine = comments.getByRole('article', { name: 'Léa Dubois' });
    await mine.locator('strong', { hasText: 'dossier' }).waitFor(WAIT);
    expect(await comments.getByLabel('Votre commentaire').inputValue()).toBe('');

    await mine.getByRole('button', { name: 'Modifier' }).click();
    await mine.getByLabel('Modifier votre commentaire').fill('Les bancs auront-ils un dossier et des accoudoirs ?');
    await mine.getByRole('button', { name: 'Enregistrer' }).click();
    await mine.getByText('Les bancs auront-ils un dossier et des accoudoirs ?').waitFor(WAIT);
    await mine.getByText('modifié', { exact: false }).waitFor(WAIT);

    await api(bastien, 'POST', `/api/buckets/${bucket.id}/comments`, { body: 'Oui, avec dossier : c’est dans le devis.' });
    await page.reload();
    const his = page.getByRole('article', { name: 'Bastien Roux' });
    await his.getByText('Oui, avec dossier').waitFor(WAIT);
    // Only the author edits: nothing to change on someone else's words.
    expect(await his.getByRole('button', { name: 'Modifier' }).count()).toBe(0);
    await expectAccessible(page);
  });

  it('raises a flag against a criterion with a reason, lists it, and withdraws it', async () => {
    const { bucket, lea, accessible } = await aProject();
    const page = await app.open(lea);
    await openProject(page, bucket.id);
    const flags = page.getByRole('region', { name: 'Signalements selon la grille d’appréciation' });
    await flags.getByRole('heading', { name: 'Accessibilité' }).waitFor(WAIT);

    await flags.getByRole('button', { name: 'Signaler' }).click();
    await flags.getByLabel('Critère').selectOption({ label: accessible.title });
    await flags.getByText('Utilisable en fauteuil et avec une poussette.').waitFor(WAIT);
    await flags.getByLabel('En quoi le projet ne le respecte-t-il pas ?').fill('Les bancs n’ont pas d’accoudoirs pour se relever.');
    await flags.getByRole('button', { name: 'Envoyer le signalement' }).click();

    const criterion = flags.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Accessibilité' }) });
    await criterion.getByText('Les bancs n’ont pas d’accoudoirs pour se relever.').waitFor(WAIT);
    await criterion.getByText('1 signalement').waitFor(WAIT);
    await criterion.getByText('votre signalement').waitFor(WAIT);
    await expectAccessible(page);

    await criterion.getByRole('button', { name: 'Retirer mon signalement' }).click();
    await criterion.getByText('aucun signalement').waitFor(WAIT);
    expect(await criterion.getByText('Les bancs n’ont pas d’accoudoirs').count()).toBe(0);
  });

  it('sets my amount on the project, and goes back to the round as I left it', async () => {
    const { round, lea } = await aProject();
    const page = await app.open(lea);
    const roundUrl = `/rounds/${round.id}?sort=az`;
    await page.goto(`${app.origin}${roundUrl}`);
    await page.getByRole('link', { name: 'Des bancs pour la place du marché' }).click();
    await page.getByRole('heading', { level: 1, name: 'Des bancs pour la place du marché' }).waitFor(WAIT);

    const funding = page.getByRole('region', { name: 'Financement' });
    await funding.getByLabel('Mon montant').fill('120');
    await funding.getByRole('button', { name: 'Répartir', exact: true }).click();
    await funding.getByText(`Vous donnez ${eur(12_000)}`).waitFor(WAIT);
    await funding.getByText(eur(52_000)).first().waitFor(WAIT);
    await funding.getByText(`Il vous reste ${eur(31_000)} à répartir dans ce budget`).waitFor(WAIT);

    await page.getByRole('link', { name: 'Retour à Budget participatif 2027' }).click();
    await page.getByRole('heading', { level: 1, name: 'Budget participatif 2027' }).waitFor(WAIT);
    const back = new URL(page.url());
    expect(`${back.pathname}${back.search}`).toBe(roundUrl);
  });

  it('celebrates the project reaching its minimum while I am on its page', async () => {
    const { round, camille, lea } = await aProject();
    const paint = await app.t.given.bucket(round.id, camille, { status: 'open', title: 'Repeindre le kiosque', lines: [{ label: 'Peinture', amountCents: 50_000, essential: true }] });
    const page = await app.open(lea);
    await page.goto(`${app.origin}/buckets/${paint.id}`);
    const funding = page.getByRole('region', { name: 'Financement' });
    await funding.getByText(`${eur(50_000)} jusqu’au minimum`).waitFor(WAIT);

    // Another member's money arrives live, then mine fills the rest.
    await api(camille, 'PUT', `/api/buckets/${paint.id}/allocation`, { amountCents: 43_000 }, { 'idempotency-key': crypto.randomUUID() });
    await funding.getByText(`${eur(7_000)} jusqu’au minimum`).waitFor(WAIT);
    expect(await funding.getByText('Minimum atteint : ce projet peut se faire !').count()).toBe(0);
    await funding.getByRole('button', { name: `Compléter le minimum (${eur(7_000)})` }).click();
    await funding.getByText('Minimum atteint : ce projet peut se faire !').waitFor(WAIT);
    await funding.getByText('Entièrement financé', { exact: true }).waitFor(WAIT);
  });

  it('says so when the project does not exist, with a way back', async () => {
    const { lea } = await aProject();
    const page = await app.open(lea);
    await page.goto(`${app.origin}/buckets/${crypto.randomUUID()}`);
    await page.getByText('Projet introuvable').waitFor(WAIT);
    await page.getByRole('link', { name: 'Retour à mes budgets' }).click();
    await page.waitForURL(`${app.origin}/`, WAIT);
  });

  /** The project's address in the newest e-mail to `to`, as a path on the test app. */
  async function linkMailedTo(to: string): Promise<string> {
    await app.t.app.jobs.drainMail();
    const mail = app.t.mail.sent.filter((m) => m.to === to).at(-1);
    const link = /https?:\/\/\S+\/buckets\/[\w-]+/.exec(mail?.body ?? '')?.[0];
    expect(link, mail?.body).toBeDefined();
    return new URL(link ?? '').pathname;
  }

  it('is where the invitation e-mail leads: the invited co-proposer accepts there', async () => {
    const { bucket, bastien } = await aProject();
    const page = await app.open(bastien);
    await page.goto(`${app.origin}${await linkMailedTo(bastien.email)}`);
    await page.getByRole('heading', { level: 1, name: 'Des bancs pour la place du marché' }).waitFor(WAIT);
    expect(new URL(page.url()).pathname).toBe(`/buckets/${bucket.id}`);

    const proposers = page.getByRole('region', { name: 'Porté par' });
    await proposers.getByRole('button', { name: 'Accepter l’invitation' }).click();
    await proposers.getByRole('listitem').filter({ hasText: 'Bastien Roux (vous)' }).getByText('Porteur').waitFor(WAIT);
    expect(await proposers.getByRole('button', { name: 'Accepter l’invitation' }).count()).toBe(0);
  });

  it('is where the e-mail about a new comment leads its proposers', async () => {
    const { bucket, camille, lea } = await aProject();
    await api(lea, 'POST', `/api/buckets/${bucket.id}/comments`, { body: 'Pourquoi du chêne plutôt que du pin ?' });
    const page = await app.open(camille);
    await page.goto(`${app.origin}${await linkMailedTo(camille.email)}`);
    await page.getByRole('article', { name: 'Léa Dubois' }).getByText('Pourquoi du chêne plutôt que du pin ?').waitFor(WAIT);
    expect(new URL(page.url()).pathname).toBe(`/buckets/${bucket.id}`);
  });

  it('reads well in French and English, on a laptop and a phone', async () => {
    const { bucket, lea, bastien, camille, usefulness } = await aProject();
    await api(bastien, 'POST', `/api/buckets/${bucket.id}/comments`, { body: 'Bonne idée : le samedi matin, on reste debout **une heure**.' });
    await api(lea, 'POST', `/api/buckets/${bucket.id}/comments`, { body: 'Les bancs auront-ils un dossier ?' });
    const flag = await api(lea, 'POST', `/api/buckets/${bucket.id}/flags`, { criterionId: usefulness.id, reason: 'La place est surtout utilisée le samedi.' });
    await api(camille, 'POST', `/api/flags/${flag.id}/answers`, { body: 'Le marché a lieu aussi le mercredi, et la place sert aux écoles.' });
    await api(lea, 'PUT', `/api/buckets/${bucket.id}/allocation`, { amountCents: 5_000 }, { 'idempotency-key': crypto.randomUUID() });

    for (const locale of ['fr', 'en'] as const) {
      for (const [device, viewport] of [['laptop', undefined], ['phone', PHONE]] as const) {
        const page = await app.open(lea, { locale, viewport });
        await openProject(page, bucket.id);
        await page.getByText('Le marché a lieu aussi le mercredi', { exact: false }).waitFor(WAIT);
        await page.getByText(locale === 'fr' ? `Vous donnez ${eur(5_000)}` : `You give ${eur(5_000, 'en')}`).waitFor(WAIT);
        await expectNoHorizontalScroll(page);
        await expectAccessible(page);
        await docsScreenshot(page, `member-project-${locale}-${device}`);
        if (process.env.E2E_FULL_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_FULL_SCREENSHOTS}/member-project-${locale}-${device}-full.png`, fullPage: true });
      }
    }
  });
});
