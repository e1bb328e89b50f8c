import request from 'supertest';
import { expect, it } from 'vitest';
import { formatMoney } from '@cagnotte/shared';
import type { Member } from '../server/test/given.ts';
import { PHONE, WAIT, describeInBrowser, docsScreenshot, expectAccessible, expectNoHorizontalScroll } from './support/browser-app.ts';
import { closeRound } from './support/board-meeting.ts';

const euros = (cents: number, locale: 'fr' | 'en' = 'fr') => formatMoney(cents, 'EUR', locale);

describeInBrowser('a round’s records: history, appraisal grid, results and my receipt', (app) => {
  /** A closed round: the garden reached its minimum and goes ahead, the bikes fell short and sent their money back. */
  async function aClosedRound() {
    const { t } = app;
    const org = await t.given.org({ name: 'Coopérative des Lilas' });
    const admin = await t.given.member({ organisationId: org.id, role: 'admin', eligible: true, name: 'Camille Martin' });
    const round = await t.given.round(admin.organisationId, { title: 'Budget 2026', phase: 'proposals', defaultAllowanceCents: 43_000 });
    await t.given.criterion(round.id, { title: 'Utile au plus grand nombre', description: 'Le projet sert **tous** les membres.' });
    const members = [await t.given.member({ organisationId: admin.organisationId, name: 'Léa Martin' }), await t.given.member({ organisationId: admin.organisationId })];
    const garden = await t.given.bucket(round.id, admin, { status: 'open', title: 'Jardin partagé', lines: [{ label: 'Bacs', amountCents: 60_000, essential: true }] });
    const bikes = await t.given.bucket(round.id, admin, { status: 'open', title: 'Vélos cargo', lines: [{ label: 'Vélos', amountCents: 90_000, essential: true }] });
    const auth = t.given.authFor(admin);
    await request(t.app.server).post(`/api/rounds/${round.id}/phase`).set(auth).send({ phase: 'funding' }).expect(200);
    const [lea, other] = members as [Member, Member];
    await t.allocate(lea, garden.id, 30_000).expect(200);
    await t.allocate(lea, bikes.id, 10_000).expect(200);
    await t.allocate(other, garden.id, 30_000).expect(200);
    await closeRound(t, admin, round.id);
    return { round, lea };
  }

  it('shows the results and my receipt after the close, in French and English, on a laptop and a phone', async () => {
    const { round, lea } = await aClosedRound();
    for (const locale of ['fr', 'en'] as const) {
      const page = await app.open(lea, { locale });
      await page.goto(`${app.origin}/rounds/${round.id}/results`);
      const funded = page.getByRole('region', { name: locale === 'fr' ? /Financés/ : /Funded/ });
      await funded.getByRole('heading', { name: 'Jardin partagé' }).waitFor(WAIT);
      await page.getByRole('region', { name: locale === 'fr' ? /Non financés/ : /Not funded/ }).getByRole('heading', { name: 'Vélos cargo' }).waitFor(WAIT);
      await page.getByText(locale === 'fr' ? /concordent avec le grand livre/ : /reconcile with the ledger/).waitFor(WAIT);
      await expectAccessible(page);
      await docsScreenshot(page, `member-results-${locale}-laptop`, true);

      await page.getByRole('link', { name: locale === 'fr' ? 'Voir mon reçu' : 'See my receipt' }).click();
      const row = (title: string) => page.getByRole('row').filter({ hasText: title });
      await row('Jardin partagé').getByText(euros(30_000, locale)).waitFor(WAIT);
      await row('Vélos cargo').getByText(locale === 'fr' ? 'Rendu' : 'Sent back').waitFor(WAIT);
      await page.getByText(locale === 'fr' ? 'Enveloppe initiale' : 'Initial allowance').waitFor(WAIT);
      await page.getByRole('button', { name: locale === 'fr' ? 'Imprimer' : 'Print' }).waitFor(WAIT);
      await expectAccessible(page);
      await docsScreenshot(page, `member-receipt-${locale}-laptop`, true);
    }

    for (const locale of ['fr', 'en'] as const) {
      const phone = await app.open(lea, { viewport: PHONE, locale });
      for (const path of ['results', 'receipt']) {
        await phone.goto(`${app.origin}/rounds/${round.id}/${path}`);
        await phone.getByText('Jardin partagé').first().waitFor(WAIT);
        await expect.poll(() => phone.evaluate(() => document.documentElement.lang), WAIT).toBe(locale);
        await expectNoHorizontalScroll(phone);
        await docsScreenshot(phone, `member-${path}-${locale}-phone`, true);
      }
    }
  });

  it('shows, in a permanent round, my envelopes with the yearly top-up and the money committed to a funded project', async () => {
    const { t } = app;
    const org = await t.given.org({ name: 'Fonds des Lilas' });
    const admin = await t.given.member({ organisationId: org.id, role: 'admin', eligible: true, name: 'Camille Martin' });
    const lea = await t.given.member({ organisationId: org.id, name: 'Léa Martin' });
    const round = await t.given.round(org.id, { title: 'Fonds permanent', kind: 'permanent', phase: 'proposals', defaultAllowanceCents: 10_000 });
    const bench = await t.given.bucket(round.id, admin, { status: 'open', title: 'Un banc', lines: [{ label: 'Banc', amountCents: 6_000, essential: true }] });
    const auth = t.given.authFor(admin);
    await request(t.app.server).post(`/api/rounds/${round.id}/phase`).set(auth).send({ phase: 'funding' }).expect(200);
    const topUp = await request(t.app.server).post(`/api/rounds/${round.id}/grants`).set(auth).send({ amountCents: 5_000, reason: 'Complément 2027' });
    expect(topUp.status, JSON.stringify(topUp.body)).toBe(200);
    await t.allocate(lea, bench.id, 6_000).expect(200);

    for (const locale of ['fr', 'en'] as const) {
      const page = await app.open(lea, { locale });
      await page.goto(`${app.origin}/rounds/${round.id}/receipt`);
      await page.getByRole('heading', { name: locale === 'fr' ? /enveloppes/i : 'My envelopes and top-ups' }).waitFor(WAIT);
      await page.getByRole('row').filter({ hasText: 'Complément 2027' }).getByText(euros(5_000, locale)).waitFor(WAIT);
      await page.getByRole('row').filter({ hasText: locale === 'fr' ? 'Enveloppe initiale' : 'Initial allowance' }).getByText(euros(10_000, locale)).waitFor(WAIT);
      await page.getByRole('row').filter({ hasText: 'Un banc' }).getByText(locale === 'fr' ? 'Engagé' : 'Committed').first().waitFor(WAIT);
      await expectAccessible(page);
    }
  });

  it('tells the round’s history in plain words, and shows its appraisal grid', async () => {
    const { round, lea } = await aClosedRound();
    const page = await app.open(lea);
    await page.goto(`${app.origin}/rounds/${round.id}/history`);
    await page.getByText('Le budget est passé en « Clos ».').waitFor(WAIT);
    await page.getByText('Le budget est passé en « Financement ouvert ».').waitFor(WAIT);
    await page.getByRole('listitem').filter({ hasText: 'Financé' }).filter({ hasText: 'Jardin partagé' }).first().waitFor(WAIT);
    await page.getByRole('listitem').filter({ hasText: 'Non financé' }).filter({ hasText: 'Vélos cargo' }).waitFor(WAIT);
    await expectAccessible(page);
    await docsScreenshot(page, 'member-history-fr-laptop');

    await page.getByRole('link', { name: 'Grille d’analyse' }).click();
    await page.getByRole('heading', { name: 'Utile au plus grand nombre' }).waitFor(WAIT);
    expect(await page.locator('.description strong').textContent()).toBe('tous');
    await expectAccessible(page);
  });
});
