import { expect, it } from 'vitest';
import { formatMoney } from '@cagnotte/shared';
import { openFunding } from '../server/src/features/ledger/index.ts';
import { PHONE, WAIT, describeInBrowser, docsScreenshot, expectAccessible, expectNoHorizontalScroll } from './support/browser-app.ts';

describeInBrowser('a member’s way in: the sign-in link and the home', (app) => {
  it('signs in with the e-mailed link and lands on the page asked for', async () => {
    const { t } = app;
    const { round, members } = await t.given.fundingRound({ members: 1, round: { title: 'Budget 2027' } });
    const [lea] = members;
    if (!lea) throw new Error('seed');
    const page = await app.open(null);

    await page.goto(`${app.origin}/rounds/${round.id}`);
    await page.getByRole('heading', { name: 'Connexion' }).waitFor(WAIT);
    await page.getByLabel('Adresse e-mail').fill(lea.email);
    await page.getByRole('button', { name: 'Recevoir un lien de connexion' }).click();
    await page.getByRole('status').filter({ hasText: lea.email }).waitFor(WAIT);

    await t.app.jobs.drainMail();
    const mail = t.mail.sent.find((m) => m.to === lea.email);
    const link = /https?:\/\/\S+\/sign-in#token=[\w-]+/.exec(mail?.body ?? '')?.[0];
    expect(link, mail?.body).toBeDefined();
    // The link names the public address; the test app listens on its own port.
    await page.goto(`${app.origin}${new URL(link ?? '').pathname}${new URL(link ?? '').hash}`);

    await page.getByRole('heading', { level: 1, name: 'Budget 2027' }).waitFor(WAIT);
    expect(page.url()).not.toContain('token');
  });

  it('lists my organisations and their rounds, with what I have left to spend', async () => {
    const { t } = app;
    // Named as a real cooperative would be: these pages are the README's screenshots.
    const org = await t.given.org({ name: 'Coopérative des Lilas' });
    const camille = await t.given.member({ organisationId: org.id, role: 'admin', eligible: true, name: 'Camille Martin' });
    const lea = await t.given.member({ organisationId: org.id, name: 'Léa Dubois' });
    const round = await t.given.round(org.id, { title: 'Projets 2027', phase: 'funding' });
    await t.given.bucket(round.id, camille, { status: 'open', title: 'Jardin partagé' });
    await t.db.transaction((tx) => openFunding(tx, round, camille.membershipId));
    await t.given.round(org.id, { title: 'Fonds permanent', kind: 'permanent', phase: 'proposals' });

    for (const locale of ['fr', 'en'] as const) {
      const page = await app.open(lea, { locale });
      await page.goto(app.origin);
      const card = page.getByRole('article').filter({ hasText: 'Projets 2027' });
      await card.getByText(formatMoney(43_000, 'EUR', locale)).first().waitFor(WAIT);
      await expectAccessible(page);
      await docsScreenshot(page, `member-home-${locale}-laptop`);
      await card.getByRole('link', { name: 'Projets 2027' }).click();
      await page.getByRole('heading', { level: 1, name: 'Projets 2027' }).waitFor(WAIT);
      expect(new URL(page.url()).pathname).toBe(`/rounds/${round.id}`);
    }

    for (const locale of ['fr', 'en'] as const) {
      const phone = await app.open(lea, { viewport: PHONE, locale });
      await phone.goto(app.origin);
      await phone.getByRole('article').filter({ hasText: 'Projets 2027' }).getByText(formatMoney(43_000, 'EUR', locale)).first().waitFor(WAIT);
      await expectNoHorizontalScroll(phone);
      await docsScreenshot(phone, `member-home-${locale}-phone`);
    }
  });
});
