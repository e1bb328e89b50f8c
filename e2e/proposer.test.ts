import { expect, it } from 'vitest';
import { formatMoney } from '@cagnotte/shared';
import { openFunding } from '../server/src/features/ledger/index.ts';
import type { Member } from '../server/test/given.ts';
import { LAPTOP, PHONE, WAIT, describeInBrowser, docsScreenshot, expectAccessible, expectNoHorizontalScroll } from './support/browser-app.ts';
import { tabTo } from './support/keyboard.ts';

describeInBrowser('a proposer in the browser', (app) => {
  const eur = (cents: number, locale: 'fr' | 'en' = 'fr') => formatMoney(cents, 'EUR', locale);

  /** Calls the API as `member` would with a script: how the other people of a test act. */
  async function api(member: Member, method: 'POST' | 'PATCH' | 'PUT', url: string, payload?: object, headers: Record<string, string> = {}) {
    const reply = await app.t.app.inject({ method, url, payload, headers: { ...app.t.given.authFor(member), ...headers } });
    expect(reply.statusCode, reply.body).toBeLessThan(300);
    return reply.json<{ id: string; revision: number }>();
  }

  async function aRound(minCoProposers = 2, phase: 'proposals' | 'funding' = 'proposals') {
    const { given } = app.t;
    const org = await given.org({ name: 'Coopérative des Lilas' });
    const camille = await given.member({ organisationId: org.id, name: 'Camille Martin' });
    const bastien = await given.member({ organisationId: org.id, name: 'Bastien Roux' });
    const round = await given.round(org.id, { title: 'Budget participatif 2027', phase, minCoProposers });
    return { org, camille, bastien, round };
  }

  it('drafts a project with lines by keyboard, gets a co-proposer to accept, and submits it', async () => {
    const { camille, bastien, round } = await aRound(2);
    const page = await app.open(camille);
    await page.goto(`${app.origin}/rounds/${round.id}`);
    await page.getByRole('link', { name: 'Proposer un projet' }).waitFor(WAIT);
    await tabTo(page, `a[href="/rounds/${round.id}/propose"]`);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Proposer un projet' }).waitFor(WAIT);
    await expectAccessible(page);

    await tabTo(page, '#bucket-title');
    await page.keyboard.type('Un four à pain partagé');
    await tabTo(page, '#bucket-summary');
    await page.keyboard.type('Un four à bois dans la cour, pour cuire ensemble le samedi.');
    await tabTo(page, '#bucket-description');
    await page.keyboard.type('Le samedi, **on cuit ensemble**.');
    await tabTo(page, '#line-label-0');
    await page.keyboard.type('Briques réfractaires');
    await page.keyboard.press('Tab');
    await page.keyboard.type('1 200');
    // The minimum and maximum follow the typing.
    await expect.poll(() => page.getByTestId('live-min').innerText()).toBe(eur(120_000));
    await tabTo(page, '#add-line');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('line-label-1');
    await page.keyboard.type('Banc pour attendre');
    await page.keyboard.press('Tab');
    await page.keyboard.type('450,50');
    await expect.poll(() => page.getByTestId('live-max').innerText()).toBe(eur(165_050));
    expect(await page.getByTestId('live-min').innerText()).toBe(eur(120_000));
    await docsScreenshot(page, 'proposer-new-fr-laptop', true);

    await tabTo(page, '#save-bucket');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Modifier « Un four à pain partagé »' }).waitFor(WAIT);
    const team = page.getByRole('region', { name: 'Co-porteurs' });
    await expect.poll(() => team.getByTestId('proposer-count').innerText()).toContain('Acceptés : 1 sur 2 requis');
    expect(await page.getByRole('button', { name: 'Soumettre à la revue' }).isDisabled()).toBe(true);

    await tabTo(page, '#invite-email');
    await page.keyboard.type(bastien.email);
    await page.keyboard.press('Enter');
    await team.getByRole('listitem').filter({ hasText: 'Bastien Roux' }).getByText('Invité·e').waitFor(WAIT);
    await expectAccessible(page);

    // Bastien, in his own browser, finds the invitation among his projects and accepts it.
    const his = await app.open(bastien);
    await his.goto(`${app.origin}/my-projects`);
    await his.getByRole('heading', { level: 2, name: 'Un four à pain partagé' }).waitFor(WAIT);
    await expectAccessible(his);
    await his.getByRole('link', { name: 'Répondre à l’invitation' }).click();
    await his.getByRole('button', { name: 'Accepter l’invitation' }).click();
    await his.getByRole('region', { name: 'Porté par' }).getByRole('listitem').filter({ hasText: 'Bastien Roux' }).getByText('Porteur').waitFor(WAIT);

    await page.reload();
    await expect.poll(() => team.getByTestId('proposer-count').innerText(), WAIT).toContain('Acceptés : 2 sur 2 requis');
    await tabTo(page, '#submit-bucket');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Un four à pain partagé' }).waitFor(WAIT);
    await page.getByText('En examen').first().waitFor(WAIT);
  });

  /** Camille's draft with two lines; Bastien carries it with her. */
  async function aDraft() {
    const { camille, bastien, round } = await aRound(1);
    const bucket = await app.t.given.bucket(round.id, camille, {
      title: 'Des bancs pour la place du marché',
      summary: 'Six bancs en chêne, à l’ombre des platanes.',
      description: 'Les jours de marché, **personne ne peut s’asseoir**.',
      lines: [
        { label: 'Six bancs en chêne', amountCents: 120_000, essential: true },
        { label: 'Éclairage solaire', amountCents: 45_000, essential: false },
      ],
    });
    await api(camille, 'POST', `/api/buckets/${bucket.id}/proposers`, { email: bastien.email });
    await api(bastien, 'POST', `/api/buckets/${bucket.id}/proposers/accept`);
    return { camille, bastien, bucket };
  }

  const words = {
    fr: { heading: 'Quelqu’un a modifié ce projet', reapply: 'Réappliquer la mienne', take: 'Garder la leur', title: 'Titre' },
    en: { heading: 'Someone changed this', reapply: 'Re-apply mine', take: 'Take theirs', title: 'Title' },
  };

  it('shows a stale edit as “someone changed this” with both versions, and re-applies mine on request', async () => {
    const { camille, bastien, bucket } = await aDraft();
    const page = await app.open(camille);
    await page.goto(`${app.origin}/buckets/${bucket.id}/edit`);
    await page.getByLabel('Titre').waitFor(WAIT);
    await api(bastien, 'PATCH', `/api/buckets/${bucket.id}`, { revision: bucket.revision, title: 'Des bancs et des jardinières' });

    await page.getByLabel('Titre').fill('Six bancs pour la place');
    await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
    const conflict = page.getByRole('alertdialog', { name: words.fr.heading });
    await conflict.getByText('Bastien Roux', { exact: false }).waitFor(WAIT);
    await conflict.getByText('Six bancs pour la place').waitFor(WAIT);
    await conflict.getByText('Des bancs et des jardinières').waitFor(WAIT);
    // Nothing was overwritten: the server still holds Bastien's title.
    const held = await app.t.app.inject({ method: 'GET', url: `/api/buckets/${bucket.id}`, headers: app.t.given.authFor(camille) });
    expect(held.json<{ title: string }>().title).toBe('Des bancs et des jardinières');
    await expectAccessible(page);

    await conflict.getByRole('button', { name: words.fr.reapply }).click();
    await page.getByRole('heading', { level: 1, name: 'Modifier « Six bancs pour la place »' }).waitFor(WAIT);
    expect(await conflict.count()).toBe(0);
  });

  it('takes their version when asked, dropping mine', async () => {
    const { camille, bastien, bucket } = await aDraft();
    const page = await app.open(camille, { locale: 'en' });
    await page.goto(`${app.origin}/buckets/${bucket.id}/edit`);
    await page.getByLabel('Title').waitFor(WAIT);
    await api(bastien, 'PATCH', `/api/buckets/${bucket.id}`, { revision: bucket.revision, summary: 'Changed by Bastien' });
    await page.getByLabel('Summary').fill('Changed by Camille');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('alertdialog', { name: words.en.heading }).getByRole('button', { name: words.en.take }).click();
    await expect.poll(() => page.getByLabel('Summary').inputValue()).toBe('Changed by Bastien');
  });

  /** Camille's open project in a round now funding, with Bastien's money in it and a flag from Léa. */
  async function anOpenProject() {
    const { camille, bastien, round } = await aRound(1, 'funding');
    const lea = await app.t.given.member({ organisationId: round.organisationId, name: 'Léa Dubois' });
    const criterion = await app.t.given.criterion(round.id, { title: 'Accessibilité' });
    const bucket = await app.t.given.bucket(round.id, camille, { status: 'open', title: 'Un abri à vélos' });
    await app.t.db.transaction((tx) => openFunding(tx, round, camille.membershipId));
    await api(bastien, 'PUT', `/api/buckets/${bucket.id}/allocation`, { amountCents: 5_000 }, { 'idempotency-key': crypto.randomUUID() });
    await api(lea, 'POST', `/api/buckets/${bucket.id}/flags`, { criterionId: criterion.id, reason: 'Pas de place pour les vélos cargos.' });
    return { camille, bucket };
  }

  it('answers a flag from the project page', async () => {
    const { camille, bucket } = await anOpenProject();
    const page = await app.open(camille);
    await page.goto(`${app.origin}/buckets/${bucket.id}`);
    const flags = page.getByRole('region', { name: 'Signalements selon la grille d’appréciation' });
    await flags.getByText('Pas de place pour les vélos cargos.').waitFor(WAIT);
    await flags.getByLabel('Votre réponse').fill('Deux places larges sont prévues au fond.');
    await flags.getByRole('button', { name: 'Répondre' }).click();
    await flags.getByText('Deux places larges sont prévues au fond.').waitFor(WAIT);
    await expectAccessible(page);
  });

  it('withdraws a project after a confirmation that says the money goes back, and gives it back', async () => {
    const { camille, bucket } = await anOpenProject();
    const page = await app.open(camille);
    await page.goto(`${app.origin}/buckets/${bucket.id}`);
    await page.getByRole('link', { name: 'Modifier, inviter, soumettre' }).click();
    await page.getByText('Le budget est figé', { exact: false }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Retirer le projet' }).click();
    const dialog = page.getByRole('dialog', { name: 'Retirer ce projet ?' });
    await dialog.getByText('L’argent que les membres y ont mis leur revient aussitôt.').waitFor(WAIT);
    await expectAccessible(page);
    await dialog.getByLabel('Pourquoi (affiché sur le projet)').fill('La mairie installe un abri.');
    await dialog.getByRole('button', { name: 'Retirer et rendre l’argent' }).click();
    await page.getByRole('heading', { level: 1, name: 'Un abri à vélos' }).waitFor(WAIT);
    await page.getByText('Retiré').first().waitFor(WAIT);
    const held = await app.t.app.inject({ method: 'GET', url: `/api/buckets/${bucket.id}`, headers: app.t.given.authFor(camille) });
    expect(held.json<{ status: string; fundedCents: number }>()).toMatchObject({ status: 'withdrawn', fundedCents: 0 });
  });

  it('posts a progress update once funded and marks the project completed', async () => {
    const { camille, round } = await aRound(1);
    const bucket = await app.t.given.bucket(round.id, camille, { status: 'funded', title: 'Un abri à vélos' });
    const page = await app.open(camille);
    await page.goto(`${app.origin}/buckets/${bucket.id}`);
    await page.getByLabel('Nouvelle de l’avancement').fill('La dalle est coulée.');
    await page.getByRole('button', { name: 'Publier la nouvelle' }).click();
    await page.getByText('La dalle est coulée.').nth(0).waitFor(WAIT);
    await page.getByRole('button', { name: 'Marquer comme réalisé' }).click();
    await page.getByRole('dialog', { name: 'Marquer ce projet comme réalisé ?' }).getByRole('button', { name: 'Marquer comme réalisé' }).click();
    await page.getByText('Réalisé').first().waitFor(WAIT);
    await expect.poll(async () => {
      const held = await app.t.app.inject({ method: 'GET', url: `/api/buckets/${bucket.id}`, headers: app.t.given.authFor(camille) });
      return held.json<{ status: string }>().status;
    }).toBe('completed');
  });

  for (const locale of ['fr', 'en'] as const) {
    for (const [screen, viewport] of [['laptop', LAPTOP], ['phone', PHONE]] as const) {
      it(`looks finished editing and in conflict (${locale}, ${screen})`, async () => {
        const { camille, bastien, bucket } = await aDraft();
        const page = await app.open(camille, { locale, viewport });
        await page.goto(`${app.origin}/buckets/${bucket.id}/edit`);
        await page.getByLabel(words[locale].title).waitFor(WAIT);
        await page.getByTestId('live-max').getByText(eur(165_000, locale)).waitFor(WAIT);
        await expectNoHorizontalScroll(page);
        await docsScreenshot(page, `proposer-edit-${locale}-${screen}`, true);

        await api(bastien, 'PATCH', `/api/buckets/${bucket.id}`, { revision: bucket.revision, title: 'Des bancs et des jardinières' });
        await page.getByLabel(words[locale].title).fill('Six bancs pour la place');
        await page.locator('#save-bucket').click();
        await page.getByRole('alertdialog', { name: words[locale].heading }).waitFor(WAIT);
        await expectNoHorizontalScroll(page);
        await expectAccessible(page);
        await docsScreenshot(page, `proposer-conflict-${locale}-${screen}`);
      });
    }
  }
});
