import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import type { Duplex } from 'node:stream';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { formatMoney } from '@cagnotte/shared';
import { WAIT, describeInBrowser, type Screen } from './support/browser-app.ts';
import { aBoardMeeting, closeRound, createProjectorLink, revokeLink, type Project } from './support/board-meeting.ts';
import { seedDemo } from '../server/src/seed/demo.ts';

/** Screenshots for a person to look at, beside the tests and ignored by git. */
const screenshot = (name: string) => fileURLToPath(new URL(`./screenshots/${name}`, import.meta.url));

const euros = (cents: number) => formatMoney(cents, 'EUR', 'fr');

const PROJECTS: Project[] = [
  { title: 'Vélos cargo partagés', minCents: 80_000, maxCents: 120_000 },
  { title: 'Jardin sur le toit', minCents: 50_000, maxCents: 90_000 },
  { title: 'Atelier de réparation', minCents: 60_000, maxCents: 100_000 },
  { title: 'Bibliothèque d’outils', minCents: 30_000, maxCents: 45_000 },
];

describeInBrowser('the projector page at the board meeting', (app) => {
  /** The live sockets' TCP connections, to cut them as a network failure would. */
  const upgraded = new Set<Duplex>();

  beforeAll(() => {
    app.t.app.server.on('upgrade', (_request, socket: Duplex) => {
      upgraded.add(socket);
      socket.once('close', () => upgraded.delete(socket));
    });
  });

  /** A screen of the meeting room: its own browser context, so no cookie and no member account. */
  async function openScreen(url: string, screen: Screen = {}): Promise<Page> {
    const page = await app.open(null, { viewport: { width: 1280, height: 720 }, ...screen });
    await page.goto(url);
    return page;
  }

  /** The board meeting of PROJECTS with `members` members, and the admin's projector link to it. */
  async function aMeetingAndItsLink(members: number, round?: Parameters<typeof aBoardMeeting>[1]['round']) {
    const meeting = await aBoardMeeting(app.t, { title: 'Budget participatif 2026', projects: PROJECTS, members, round });
    const link = await createProjectorLink(app.t, meeting.admin, meeting.round.id);
    return { ...meeting, link };
  }

  /** The link's address with a secret of the right length that is not its own. */
  const withAWrongSecret = (url: string) => `${url.split('#')[0]}#${'x'.repeat(43)}`;

  const bar = (page: Page, title: string) => page.getByRole('progressbar', { name: title, exact: true });
  const fundedOf = (page: Page, title: string) => bar(page, title).getAttribute('aria-valuenow');
  const row = (page: Page, title: string) => page.getByRole('article').filter({ has: page.getByRole('heading', { name: title, exact: true }) });

  it('shows the round’s projects on three screens opened with the projector link, and keeps the secret out of the address bar', async () => {
    const { link } = await aMeetingAndItsLink(1);

    const screens = await Promise.all([1, 2, 3].map(() => openScreen(link.url)));

    for (const page of screens) {
      await page.getByRole('heading', { level: 1, name: 'Budget participatif 2026' }).waitFor(WAIT);
      for (const project of PROJECTS) {
        await bar(page, project.title).waitFor(WAIT);
        expect(await bar(page, project.title).getAttribute('aria-valuemax')).toBe(String(project.maxCents));
      }
      expect(page.url()).toBe(link.url.split('#')[0]);
      await page.getByRole('status').filter({ hasText: 'En direct' }).waitFor(WAIT);
    }
  });

  it('shows a member’s allocation on every screen without reloading', async () => {
    const { t } = app;
    const { members, buckets, link } = await aMeetingAndItsLink(6);
    const [cargo, garden, workshop, tools] = buckets;
    const [alice, bob, chloe, dan, eve] = members;
    if (!cargo || !garden || !workshop || !tools || !alice || !bob || !chloe || !dan || !eve) throw new Error('seed');
    await t.allocate(alice, garden.id, 43_000).expect(200);
    await t.allocate(bob, garden.id, 12_000).expect(200);
    await t.allocate(chloe, cargo.id, 35_000).expect(200);
    await t.allocate(dan, workshop.id, 20_000).expect(200);
    const screens = await Promise.all([1, 2, 3].map(() => openScreen(link.url)));
    for (const page of screens) await page.getByRole('status').filter({ hasText: 'En direct' }).waitFor(WAIT);

    await t.allocate(eve, tools.id, 25_000).expect(200);

    for (const page of screens) {
      await expect.poll(() => fundedOf(page, 'Bibliothèque d’outils'), WAIT).toBe('25000');
      await row(page, 'Bibliothèque d’outils').getByText(euros(25_000), { exact: true }).waitFor(WAIT);
      await row(page, 'Bibliothèque d’outils').getByText('Presque financé').waitFor(WAIT);
    }
    await screens[0]?.screenshot({ path: screenshot('projector.png'), animations: 'disabled' });
  });

  it('shows amounts in the screen’s language, as the members’ pages do, not in the French organisation’s', async () => {
    const { t } = app;
    const { members, buckets, link } = await aMeetingAndItsLink(3);
    const [cargo] = buckets;
    const [alice, bob, chloe] = members;
    if (!cargo || !alice || !bob || !chloe) throw new Error('seed');
    await t.allocate(alice, cargo.id, 43_000).expect(200);
    await t.allocate(bob, cargo.id, 43_000).expect(200);
    await t.allocate(chloe, cargo.id, 34_000).expect(200);
    const page = await openScreen(link.url, { locale: 'en' });
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor(WAIT);

    await row(page, 'Vélos cargo partagés').getByText('€1,200.00', { exact: true }).waitFor(WAIT);
    expect(await page.getByRole('main').textContent()).not.toMatch(/\d,\d\d\s?€/);
    await page.screenshot({ path: screenshot('projector-en.png'), animations: 'disabled' });
  });

  it('celebrates a project that reached its minimum once the round closes, at the top of the board', async () => {
    const { t } = app;
    const { admin, round, members, buckets, link } = await aMeetingAndItsLink(3, { shortfallRule: 'board' });
    const [cargo, garden, , tools] = buckets;
    const [alice, bob, chloe] = members;
    if (!cargo || !garden || !tools || !alice || !bob || !chloe) throw new Error('seed');
    const page = await openScreen(link.url);
    await page.getByRole('status').filter({ hasText: 'En direct' }).waitFor(WAIT);

    await t.allocate(alice, tools.id, 30_000).expect(200);
    await t.allocate(bob, cargo.id, 40_000).expect(200);
    await t.allocate(chloe, garden.id, 43_000).expect(200);
    await row(page, 'Bibliothèque d’outils').getByText('Minimum atteint').waitFor(WAIT);
    await closeRound(t, admin, round.id);

    await row(page, 'Bibliothèque d’outils').getByText('Financé !', { exact: true }).waitFor(WAIT);
    await expect.poll(() => page.getByRole('heading', { level: 3 }).first().textContent(), WAIT).toBe('Bibliothèque d’outils');
    expect(await row(page, 'Vélos cargo partagés').getByText('Financé !').count()).toBe(0);
    await page.getByText('Clôturé', { exact: true }).waitFor(WAIT);
    await page.screenshot({ path: screenshot('projector-closed.png'), animations: 'disabled' });
  });

  it('catches up with a fresh snapshot after its connection drops', async () => {
    const { t } = app;
    const { members, buckets, link } = await aMeetingAndItsLink(1);
    const [member] = members;
    const [cargo] = buckets;
    if (!member || !cargo) throw new Error('seed');
    const page = await openScreen(link.url);
    await page.getByRole('status').filter({ hasText: 'En direct' }).waitFor(WAIT);

    // As a network cut or a crashed instance would: no close frame, the page must notice and reconnect.
    for (const socket of upgraded) socket.destroy();
    await t.allocate(member, cargo.id, 15_000).expect(200);

    await expect.poll(() => fundedOf(page, 'Vélos cargo partagés'), WAIT).toBe('15000');
    await page.getByRole('status').filter({ hasText: 'En direct' }).waitFor(WAIT);
  });

  it('says so when the link is revoked, and stops showing the board', async () => {
    const { t } = app;
    const { admin, link } = await aMeetingAndItsLink(1);
    const page = await openScreen(link.url);
    await bar(page, 'Jardin sur le toit').waitFor(WAIT);

    await revokeLink(t, admin, link.id);

    await page.getByRole('alert').filter({ hasText: 'Ce lien de projection a été révoqué.' }).waitFor(WAIT);
    expect(await page.getByRole('progressbar').count()).toBe(0);
  });

  it('refuses a link whose secret is wrong', async () => {
    const { link } = await aMeetingAndItsLink(1);
    const page = await openScreen(withAWrongSecret(link.url));

    await page.getByRole('alert').filter({ hasText: 'Ce lien de projection n’est pas valable ou a été révoqué.' }).waitFor(WAIT);
    expect(await page.getByRole('progressbar').count()).toBe(0);
  });

  const celebration = (page: Page) => page.getByTestId('celebration');
  const politeRegion = (page: Page) => page.locator('[aria-live="polite"]');

  it('celebrates a project the moment it reaches its minimum during funding, and announces it once', async () => {
    const { t } = app;
    const { members, buckets, link } = await aMeetingAndItsLink(3);
    const [cargo, , , tools] = buckets;
    const [alice, bob, chloe] = members;
    if (!cargo || !tools || !alice || !bob || !chloe) throw new Error('seed');
    await t.allocate(alice, tools.id, 25_000).expect(200);
    const page = await openScreen(link.url, { viewport: { width: 1920, height: 1080 } });
    await page.getByRole('status').filter({ hasText: 'En direct' }).waitFor(WAIT);
    // Sound is off until someone turns it on.
    expect(await page.getByRole('button', { name: 'Son : coupé' }).getAttribute('aria-pressed')).toBe('false');
    expect(await celebration(page).count()).toBe(0);

    await t.allocate(bob, tools.id, 5_000).expect(200);

    await celebration(page).getByText('Minimum atteint !').waitFor(WAIT);
    await celebration(page).getByText('Bibliothèque d’outils').waitFor(WAIT);
    await expect.poll(() => politeRegion(page).textContent(), WAIT).toBe(`Bibliothèque d’outils a atteint son minimum : ${euros(30_000)} réunis.`);
    await page.screenshot({ path: screenshot('projector-celebration.png') });

    // A routine frame is not announced, and the project already celebrated is not celebrated again.
    await t.allocate(chloe, cargo.id, 10_000).expect(200);
    await t.allocate(chloe, tools.id, 10_000).expect(200);
    await expect.poll(() => fundedOf(page, 'Vélos cargo partagés'), WAIT).toBe('10000');
    await expect.poll(() => fundedOf(page, 'Bibliothèque d’outils'), WAIT).toBe('40000');
    expect(await politeRegion(page).textContent()).toBe(`Bibliothèque d’outils a atteint son minimum : ${euros(30_000)} réunis.`);
    await celebration(page).waitFor({ state: 'detached', timeout: 15_000 });
    expect(await celebration(page).count()).toBe(0);
  });

  it('plays nothing until the sound is turned on, with WebAudio and no download', async () => {
    const { link } = await aMeetingAndItsLink(1);
    const page = await openScreen(link.url);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors: Error[] = [];
    page.on('pageerror', (e) => errors.push(e));

    await page.getByRole('button', { name: 'Son : coupé' }).click();

    await page.getByRole('button', { name: 'Son : activé', pressed: true }).waitFor(WAIT);
    expect(errors).toEqual([]);
    expect(requests.filter((url) => /\.(mp3|ogg|wav|m4a)$/.test(url))).toEqual([]);
  });

  it('celebrates without anything moving for a screen that asks for reduced motion', async () => {
    const { t } = app;
    const { members, buckets, link } = await aMeetingAndItsLink(1);
    const [, , , tools] = buckets;
    const [alice] = members;
    if (!tools || !alice) throw new Error('seed');
    const page = await openScreen(link.url, { reducedMotion: 'reduce' });
    await page.getByRole('status').filter({ hasText: 'En direct' }).waitFor(WAIT);

    await t.allocate(alice, tools.id, 30_000).expect(200);

    await celebration(page).getByText('Minimum atteint !').waitFor(WAIT);
    const motion = await celebration(page).evaluate((element) => ({
      overlay: getComputedStyle(element).animationName,
      card: getComputedStyle(element.querySelector('.card')!).animationName,
      confetti: getComputedStyle(element.querySelector('.confetti')!).display,
    }));
    expect(motion).toEqual({ overlay: 'none', card: 'none', confetti: 'none' });
  });

  it('fits the thirty projects of the Toulouse demo on a 1920×1080 screen, readable from afar', async () => {
    const { t } = app;
    const seeded = await seedDemo({ db: t.db, publicUrl: 'http://localhost', now: () => new Date() });
    const signIn = await request(t.app.server).post('/api/auth/session').send({ token: seeded!.signInUrl.split('#token=')[1] });
    const [town] = (await t.db.execute(sql`SELECT id FROM rounds WHERE title = 'Budget participatif 2019'`)).rows as { id: string }[];
    const link = await createProjectorLink(t, { token: String(signIn.body.token) }, town!.id);
    const page = await openScreen(link.url, { viewport: { width: 1920, height: 1080 } });
    await page.getByRole('status').filter({ hasText: 'En direct' }).waitFor(WAIT);
    await expect.poll(() => page.getByRole('progressbar').count(), WAIT).toBe(30);

    await page.screenshot({ path: screenshot('projector-toulouse-1920.png') });
    const layout = await page.evaluate(() => ({
      scrollHeight: document.documentElement.scrollHeight,
      rows: [...document.querySelectorAll('article')].map((a) => a.getBoundingClientRect().bottom),
      titlePx: Math.min(...[...document.querySelectorAll('article h3')].map((h) => parseFloat(getComputedStyle(h).fontSize))),
      amountPx: Math.min(...[...document.querySelectorAll('article .amount')].map((h) => parseFloat(getComputedStyle(h).fontSize))),
    }));
    expect(layout.scrollHeight).toBeLessThanOrEqual(1080);
    expect(Math.max(...layout.rows)).toBeLessThanOrEqual(1080);
    // Titles at least 20 px (1/54 of the height), amounts 24 px: legible from the back of a room.
    expect(layout.titlePx).toBeGreaterThanOrEqual(20);
    expect(layout.amountPx).toBeGreaterThanOrEqual(24);
  });

  it('opens the right link after a wrong one in the same tab, without a reload', async () => {
    const { link } = await aMeetingAndItsLink(1);
    const page = await openScreen(withAWrongSecret(link.url));
    await page.getByRole('alert').filter({ hasText: 'Ce lien de projection n’est pas valable ou a été révoqué.' }).waitFor(WAIT);

    // Only the fragment differs: for the browser this is no navigation at all.
    await page.goto(link.url);

    await page.getByRole('heading', { level: 1, name: 'Budget participatif 2026' }).waitFor(WAIT);
    await page.getByRole('status').filter({ hasText: 'En direct' }).waitFor(WAIT);
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('says a truncated link is incomplete, with no retry that cannot help', async () => {
    const { link } = await aMeetingAndItsLink(1);
    const [address, secret] = link.url.split('#');

    for (const cut of [`${address}#${secret!.slice(0, 25)}`, address!, link.url.slice(0, link.url.indexOf('/projector/') + 25)]) {
      const page = await openScreen(cut);
      await page.getByRole('alert').filter({ hasText: 'Ce lien de projection est incomplet' }).waitFor(WAIT);
      await page.getByText('Copiez le lien en entier').waitFor(WAIT);
      expect(await page.getByRole('button').count()).toBe(0);
    }
  });
});
