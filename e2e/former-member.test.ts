import { expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { formatMoney } from '@cagnotte/shared';
import { buckets, decisions, memberships } from '../server/src/db/schema.ts';
import { aBoardMeeting } from './support/board-meeting.ts';
import { PHONE, WAIT, describeInBrowser, docsScreenshot, expectAccessible, expectNoHorizontalScroll } from './support/browser-app.ts';

describeInBrowser('an admin returns a former member’s allocations in the browser', (app) => {
  const eur = (cents: number, locale: 'fr' | 'en' = 'fr') => formatMoney(cents, 'EUR', locale);
  const fundedOf = async (bucketId: string) => (await app.t.db.select().from(buckets).where(eq(buckets.id, bucketId)))[0]?.fundedCents;

  it('deactivates a member, then sends back to their allowance what a permanent fund has not committed, and shows the amount', async () => {
    const { t } = app;
    const { admin, round, members: [bob, chloe, alice], buckets: [oven, bikes] } = await aBoardMeeting(t, {
      title: 'Fonds des Lilas',
      projects: [{ title: 'Four à pain', minCents: 20_000, maxCents: 50_000 }, { title: 'Vélos cargo', minCents: 20_000, maxCents: 50_000 }],
      members: 3,
      round: { kind: 'permanent', defaultAllowanceCents: 10_000 },
    });
    await t.db.update(memberships).set({ name: 'Alice Durand' }).where(eq(memberships.id, alice!.membershipId));
    await t.allocate(bob!, oven!.id, 10_000).expect(200);
    await t.allocate(chloe!, oven!.id, 10_000).expect(200);
    await t.allocate(alice!, oven!.id, 6_000).expect(200);
    await t.allocate(alice!, bikes!.id, 4_000).expect(200);

    const page = await app.open(admin);
    await page.goto(`${app.origin}/orgs/${admin.organisationId}/members`);
    await page.getByRole('row').filter({ hasText: 'Alice Durand' }).getByRole('button', { name: 'Désactiver' }).click();
    await page.getByText('Alice Durand est désactivé·e').first().waitFor(WAIT);

    await page.goto(`${app.origin}/rounds/${round.id}/manage/allowances`);
    const card = page.getByRole('region', { name: 'Anciens membres avec de l’argent dans des projets' });
    const alices = card.getByRole('listitem').filter({ hasText: 'Alice Durand' });
    await alices.getByText(`${eur(10_000)} dans des projets`).waitFor(WAIT);
    // The action's long French label wraps on a phone instead of widening the page.
    const frenchPhone = await app.open(admin, { viewport: PHONE });
    await frenchPhone.goto(`${app.origin}/rounds/${round.id}/manage/allowances`);
    await frenchPhone.getByRole('button', { name: /Rendre ses contributions à son enveloppe/ }).waitFor(WAIT);
    await expectNoHorizontalScroll(frenchPhone);
    await frenchPhone.close();
    await alices.getByText(`dont ${eur(6_000)} engagés : ils restent`).waitFor(WAIT);
    await expectAccessible(page);

    await alices.getByRole('button', { name: `Rendre ses contributions à son enveloppe (${eur(4_000)}) — Alice Durand` }).click();
    const dialog = page.getByRole('dialog', { name: 'Rendre ses contributions à Alice Durand ?' });
    await dialog.getByText(`${eur(4_000)} quittent les projets`).waitFor(WAIT);
    const confirm = dialog.getByRole('button', { name: 'Rendre à son enveloppe' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Pourquoi (figure dans l’historique)').fill('A quitté la coopérative');
    await expectAccessible(page);
    await docsScreenshot(page, 'staff-former-member-return-fr-laptop');
    await confirm.click();

    await card.getByText(`Enveloppe de Alice Durand : ${eur(4_000)} rendus.`).waitFor(WAIT);
    // What the oven holds is committed: Alice stays listed, with nothing more to return.
    await alices.getByText(`${eur(6_000)} dans des projets`).waitFor(WAIT);
    await alices.getByText('tout est engagé : cela reste').waitFor(WAIT);
    expect(await alices.getByRole('button').count()).toBe(0);
    await docsScreenshot(page, 'staff-former-member-fr-laptop', true);
    expect(await fundedOf(bikes!.id)).toBe(0);
    expect(await fundedOf(oven!.id)).toBe(26_000);
    const [decision] = await t.db.select().from(decisions).where(and(eq(decisions.roundId, round.id), eq(decisions.kind, 'allocations_returned')));
    expect(decision).toMatchObject({ actorId: admin.membershipId, reason: 'A quitté la coopérative', data: { returnedCents: 4_000 } });

    const phone = await app.open(admin, { viewport: PHONE, locale: 'en' });
    await phone.goto(`${app.origin}/rounds/${round.id}/manage/allowances`);
    await phone.getByRole('region', { name: 'Former members with money in projects' }).getByText('all committed: it stays').waitFor(WAIT);
    await expectNoHorizontalScroll(phone);
    await docsScreenshot(phone, 'staff-former-member-en-phone', true);
  });

  it('says why when the member came back meanwhile: an active member changes their own allocations', async () => {
    const { t } = app;
    const { admin, round, members: [alice], buckets: [oven] } = await aBoardMeeting(t, { title: 'Budget 2027', projects: [{ title: 'Four à pain', minCents: 20_000, maxCents: 50_000 }], members: 1 });
    await t.db.update(memberships).set({ name: 'Alice Durand' }).where(eq(memberships.id, alice!.membershipId));
    await t.allocate(alice!, oven!.id, 5_000).expect(200);
    await t.db.update(memberships).set({ active: false }).where(eq(memberships.id, alice!.membershipId));

    const page = await app.open(admin, { locale: 'en' });
    await page.goto(`${app.origin}/rounds/${round.id}/manage/allowances`);
    await page.getByRole('button', { name: `Return their allocations to their allowance (${eur(5_000, 'en')}) — Alice Durand` }).click();
    const dialog = page.getByRole('dialog', { name: 'Return their allocations to Alice Durand?' });
    await dialog.getByLabel('Why (it goes in the history)').fill('Left the cooperative');
    // Another admin reactivates her while the dialog is open.
    await t.db.update(memberships).set({ active: true }).where(eq(memberships.id, alice!.membershipId));
    await dialog.getByRole('button', { name: 'Return to their allowance' }).click();
    await dialog.getByRole('alert').getByText('Alice Durand is an active member again: they change their own allocations.').waitFor(WAIT);
    expect(await fundedOf(oven!.id)).toBe(5_000);
    await expectAccessible(page);
  });
});
