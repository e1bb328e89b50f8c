import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { formatMoney } from '@cagnotte/shared';
import { bucketProposers, buckets, decisions } from '../server/src/db/schema.ts';
import type { Member } from '../server/test/given.ts';
import { aBoardMeeting } from './support/board-meeting.ts';
import { PHONE, WAIT, describeInBrowser, docsScreenshot, expectAccessible, expectNoHorizontalScroll, type Screen } from './support/browser-app.ts';

describeInBrowser('a permanent fund in the browser', (app) => {
  const eur = (cents: number, locale: 'fr' | 'en' = 'fr') => formatMoney(cents, 'EUR', locale);

  /** A permanent fund (€100 a member) with two projects of minimum €200 and maximum €500; members put money in them (the oven's from the first member on, the bikes' from the last one back). */
  async function aFund(given: { oven: number[]; bikes: number[] }) {
    const { t } = app;
    const fund = await aBoardMeeting(t, {
      title: 'Fonds des Lilas',
      projects: [{ title: 'Four à pain', minCents: 20_000, maxCents: 50_000 }, { title: 'Vélos cargo', minCents: 20_000, maxCents: 50_000 }],
      members: 4,
      round: { kind: 'permanent', defaultAllowanceCents: 10_000 },
    });
    const [oven, bikes] = fund.buckets;
    for (const [i, cents] of given.oven.entries()) await t.allocate(fund.members[i]!, oven!.id, cents).expect(200);
    for (const [i, cents] of given.bikes.entries()) await t.allocate(fund.members[fund.members.length - 1 - i]!, bikes!.id, cents).expect(200);
    return { ...fund, oven: oven!, bikes: bikes! };
  }

  const statusOf = async (bucketId: string) => (await app.t.db.select().from(buckets).where(eq(buckets.id, bucketId)))[0]?.status;

  async function carrying(bucketId: string, organisationId: string): Promise<Member> {
    const camille = await app.t.given.member({ organisationId, name: 'Camille Martin' });
    await app.t.db.insert(bucketProposers).values({ bucketId, membershipId: camille.membershipId, status: 'accepted' });
    return camille;
  }

  it('lets a proposer end the funding of a project that reached its minimum, on its page, and the page shows it funded', async () => {
    const { admin, members, oven } = await aFund({ oven: [10_000, 8_000, 7_000], bikes: [] });
    const camille = await carrying(oven.id, admin.organisationId);

    // A member who does not carry the project is not offered the move.
    const member = await app.open(members[3]!);
    await member.goto(`${app.origin}/buckets/${oven.id}`);
    await member.getByRole('heading', { level: 1, name: 'Four à pain' }).waitFor(WAIT);
    await member.getByText(eur(25_000)).first().waitFor(WAIT);
    expect(await member.getByRole('button', { name: /Clore la collecte/ }).count()).toBe(0);

    const page = await app.open(camille);
    await page.goto(`${app.origin}/buckets/${oven.id}`);
    await page.getByRole('button', { name: `Clore la collecte à ${eur(25_000)}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Clore la collecte de « Four à pain » ?' });
    await dialog.getByText(`Le projet est financé avec ce qu’il a reçu : ${eur(25_000)}.`).waitFor(WAIT);
    await dialog.getByText('Plus aucun argent ne peut y entrer').waitFor(WAIT);
    await dialog.getByText('L’argent des membres reste engagé').waitFor(WAIT);
    await dialog.getByLabel(/Pourquoi maintenant/).fill('Le four coûte 250 € chez le fournisseur.');
    await expectAccessible(page);
    await docsScreenshot(page, 'proposer-end-funding-fr-laptop');
    await dialog.getByRole('button', { name: `Clore la collecte à ${eur(25_000)}` }).click();

    await page.getByText(`« Four à pain » est financé avec ${eur(25_000)}.`).first().waitFor(WAIT);
    await page.locator('.badges').getByText('Financé').waitFor(WAIT);
    expect(await page.getByRole('button', { name: /Clore la collecte/ }).count()).toBe(0);
    expect(await statusOf(oven.id)).toBe('funded');
    const [decision] = await app.t.db.select().from(decisions).where(eq(decisions.bucketId, oven.id));
    expect(decision).toMatchObject({ kind: 'funding_ended', actorId: camille.membershipId, reason: 'Le four coûte 250 € chez le fournisseur.' });
    // The member's page follows live: the project is funded and takes no more money.
    await member.locator('.badges').getByText('Financé').waitFor(WAIT);
    await expectAccessible(page);
  });

  it('shows the move on a phone, in English', async () => {
    const { admin, oven } = await aFund({ oven: [10_000, 10_000, 10_000], bikes: [] });
    const camille = await carrying(oven.id, admin.organisationId);
    const page = await app.open(camille, { viewport: PHONE, locale: 'en' } satisfies Screen);
    await page.goto(`${app.origin}/buckets/${oven.id}`);
    const action = page.getByRole('button', { name: `End the funding with ${eur(30_000, 'en')}` });
    await action.scrollIntoViewIfNeeded();
    await expectNoHorizontalScroll(page);
    await docsScreenshot(page, 'proposer-end-funding-en-phone');
    await action.click();
    await page.getByRole('dialog', { name: 'End the funding of “Four à pain”?' }).waitFor(WAIT);
    await expectNoHorizontalScroll(page);
    await docsScreenshot(page, 'proposer-end-funding-dialog-en-phone');
  });

  it('lists on the staff close page the open projects that reached their minimum, each with the same move', async () => {
    const { admin, round, oven, bikes } = await aFund({ oven: [10_000, 10_000], bikes: [5_000] });
    const page = await app.open(admin);
    await page.goto(`${app.origin}/rounds/${round.id}/manage/close`);
    const reached = page.getByRole('listitem').filter({ hasText: 'Four à pain' });
    await reached.getByText(`${eur(20_000)} reçus · minimum ${eur(20_000)} · maximum ${eur(50_000)}`).waitFor(WAIT);
    // Below its minimum, the bikes are not listed.
    expect(await page.getByRole('listitem').filter({ hasText: 'Vélos cargo' }).count()).toBe(0);
    await expectAccessible(page);
    await docsScreenshot(page, 'staff-end-funding-fr-laptop');

    await reached.getByRole('button', { name: `Clore la collecte à ${eur(20_000)} — Four à pain` }).click();
    await page.getByRole('dialog').getByRole('button', { name: `Clore la collecte à ${eur(20_000)}` }).click();
    await page.getByText(`« Four à pain » est financé avec ${eur(20_000)}.`).first().waitFor(WAIT);
    await page.getByText('Aucun projet ouvert n’a encore atteint son minimum.').waitFor(WAIT);
    expect(await statusOf(oven.id)).toBe('funded');
    expect(await statusOf(bikes.id)).toBe('open');

    const phone = await app.open(admin, { viewport: PHONE, locale: 'en' });
    await phone.goto(`${app.origin}/rounds/${round.id}/manage/close`);
    await phone.getByText('No open project has reached its minimum yet.').waitFor(WAIT);
    await expectNoHorizontalScroll(phone);
  });
});
