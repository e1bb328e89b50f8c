import { expect, it } from 'vitest';
import { formatMoney } from '@cagnotte/shared';
import type { Page } from 'playwright-core';
import { openFunding } from '../server/src/features/ledger/index.ts';
import type { Member } from '../server/test/given.ts';
import { PHONE, WAIT, describeInBrowser, docsScreenshot, expectAccessible, expectNoHorizontalScroll, type Screen } from './support/browser-app.ts';

const eur = (cents: number, locale: 'fr' | 'en' = 'fr') => formatMoney(cents, 'EUR', locale);

describeInBrowser('the round page: projects, my balance, allocating live', (app) => {
  /** A funding round with three named projects (minimum 1 000 €, maximum 1 500 €) and `members` members holding `allowance`. */
  async function seed(members = 2, allowance = 43_000) {
    const { t } = app;
    // Named people in a named cooperative: these pages are the README's screenshots.
    const org = await t.given.org({ name: 'Coopérative des Lilas' });
    const admin = await t.given.member({ organisationId: org.id, role: 'admin', eligible: true, name: 'Camille Martin' });
    const names = ['Léa Dubois', 'Marc Petit', 'Inès Martin'];
    const people = [];
    for (let i = 0; i < members; i++) people.push(await t.given.member({ organisationId: org.id, name: names[i] ?? `Membre ${i + 1}` }));
    const round = await t.given.round(org.id, { title: 'Budget participatif 2027', phase: 'funding', defaultAllowanceCents: allowance });
    await t.db.transaction((tx) => openFunding(tx, round, admin.membershipId));
    const projects = [];
    for (const [title, summary] of [
      ['Jardin partagé', 'Un potager collectif au pied de la résidence, avec un composteur.'],
      ['Vélos cargo', 'Deux vélos cargo en prêt pour les courses et les déménagements.'],
      ['Boîte à livres', 'Une cabane à livres devant la salle commune.'],
    ] as const) {
      projects.push(await t.given.bucket(round.id, admin, { status: 'open', title, summary }));
    }
    return { round, people, projects };
  }

  /** `person` in their own browser, on the round's page. */
  async function onTheRound(person: Member, round: { id: string }, screen: Screen = {}) {
    const page = await app.open(person, screen);
    await page.goto(`${app.origin}/rounds/${round.id}`);
    return page;
  }

  /** Léa and Marc, 1 200 € each, on the round's page in two browsers. */
  async function leaAndMarcOnTheRound() {
    const { round, people } = await seed(2, 120_000);
    const [lea, marc] = people;
    if (!lea || !marc) throw new Error('seed');
    const [leaPage, marcPage] = await Promise.all([onTheRound(lea, round), onTheRound(marc, round)]);
    return { leaPage, marcPage };
  }

  const card = (page: Page, title: string) => page.getByRole('article', { name: title });
  const remaining = (page: Page) => page.getByTestId('remaining');

  it('lists the projects with my balance; I allocate, change and withdraw', async () => {
    const { round, people } = await seed(1);
    const [lea] = people;
    if (!lea) throw new Error('seed');
    const page = await onTheRound(lea, round);

    await page.getByRole('heading', { level: 1, name: 'Budget participatif 2027' }).waitFor(WAIT);
    for (const title of ['Jardin partagé', 'Vélos cargo', 'Boîte à livres']) await card(page, title).waitFor(WAIT);
    await expect.poll(() => remaining(page).textContent(), WAIT).toBe(eur(43_000));

    const jardin = card(page, 'Jardin partagé');
    await jardin.getByRole('button', { name: `+${eur(5_000)}` }).click();
    await expect.poll(() => remaining(page).textContent(), WAIT).toBe(eur(38_000));
    await jardin.getByText(eur(5_000), { exact: true }).first().waitFor(WAIT);

    const field = jardin.getByLabel('Mon montant — Jardin partagé');
    await field.fill('120');
    await field.press('Enter');
    await expect.poll(() => remaining(page).textContent(), WAIT).toBe(eur(31_000));
    expect(await field.inputValue()).toBe('120,00');

    await jardin.getByRole('button', { name: 'Retirer' }).click();
    await expect.poll(() => remaining(page).textContent(), WAIT).toBe(eur(43_000));
    await jardin.getByText('rien encore').waitFor(WAIT);
    await expectAccessible(page);
  });

  it('shows another member’s allocation without reload, and the project reaching its minimum', async () => {
    const { leaPage, marcPage } = await leaAndMarcOnTheRound();
    await marcPage.getByText('En direct').waitFor(WAIT);
    await card(marcPage, 'Vélos cargo').getByRole('progressbar').waitFor(WAIT);

    await card(leaPage, 'Vélos cargo').getByRole('button', { name: `Compléter le minimum (${eur(100_000)})` }).click();

    const seen = card(marcPage, 'Vélos cargo');
    await seen.getByText('Minimum atteint — le projet peut se faire !').waitFor(WAIT);
    await seen.getByText('atteint ✓').waitFor(WAIT);
    await seen.getByText('1 personne').waitFor(WAIT);
    expect(await seen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100000');
    // Announced once to screen readers.
    await marcPage.getByText('Vélos cargo a atteint son minimum !').waitFor({ ...WAIT, state: 'attached' });
    // Marc's own balance did not move.
    expect(await remaining(marcPage).textContent()).toBe(eur(120_000));
  });

  it('explains a refused allocation with its figures, and the fix works', async () => {
    const { round, people } = await seed(1);
    const [lea] = people;
    if (!lea) throw new Error('seed');
    const page = await onTheRound(lea, round);
    const jardin = card(page, 'Jardin partagé');
    const jardinField = jardin.getByLabel('Mon montant — Jardin partagé');
    await jardinField.fill('400');
    await jardinField.press('Enter');
    await expect.poll(() => remaining(page).textContent(), WAIT).toBe(eur(3_000));

    const velos = card(page, 'Vélos cargo');
    const velosField = velos.getByLabel('Mon montant — Vélos cargo');
    await velosField.fill('100');
    await velosField.press('Enter');
    await velos.getByText(`Il ne vous reste que ${eur(3_000)} à répartir ; ce changement demande ${eur(10_000)}.`).waitFor(WAIT);
    await expectAccessible(page);

    await velos.getByRole('button', { name: `Répartir ${eur(3_000)}` }).click();
    await expect.poll(() => remaining(page).textContent(), WAIT).toBe(eur(0));
    expect(await velosField.inputValue()).toBe('30,00');
    expect(await velos.getByText('Il ne vous reste').count()).toBe(0);
  });

  it('does the whole allocation with the keyboard alone, from the home to a refusal’s fix', async () => {
    const { people } = await seed(1);
    const [lea] = people;
    if (!lea) throw new Error('seed');
    const page = await app.open(lea);
    await page.goto(app.origin);
    await page.getByRole('heading', { level: 1 }).waitFor(WAIT);
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement | null;
        return (el?.labels?.[0]?.textContent ?? el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim();
      });
    const tabTo = async (wanted: (text: string) => boolean) => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        if (wanted(await focused())) return;
      }
      throw new Error('not reachable with Tab');
    };

    // From the home to the round.
    await tabTo((text) => text === 'Budget participatif 2027');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Budget participatif 2027' }).waitFor(WAIT);
    await card(page, 'Boîte à livres').waitFor(WAIT);

    // Type an amount, step it with the arrows, allocate with Enter.
    const label = 'Mon montant — Boîte à livres';
    await tabTo((text) => text === label);
    await page.keyboard.type('25');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect.poll(() => remaining(page).textContent(), WAIT).toBe(eur(43_000 - 2_600));

    // A quick action.
    await tabTo((text) => text === `+${eur(1_000)}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => remaining(page).textContent(), WAIT).toBe(eur(43_000 - 3_600));

    // Withdraw.
    await tabTo((text) => text === 'Retirer');
    await page.keyboard.press('Space');
    await expect.poll(() => remaining(page).textContent(), WAIT).toBe(eur(43_000));

    // Ask for more than is left: the refusal says why, and its fix is one key away.
    await tabTo((text) => text === 'Mon montant — Jardin partagé');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('400');
    await page.keyboard.press('Enter');
    await expect.poll(() => remaining(page).textContent(), WAIT).toBe(eur(3_000));
    await tabTo((text) => text === 'Mon montant — Vélos cargo');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('100');
    await page.keyboard.press('Enter');
    await card(page, 'Vélos cargo').getByText(`Il ne vous reste que ${eur(3_000)} à répartir`).waitFor(WAIT);
    await tabTo((text) => text === `Répartir ${eur(3_000)}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => remaining(page).textContent(), WAIT).toBe(eur(0));
  });

  it('never moves a card under the focus: it offers to re-sort instead', async () => {
    const { leaPage, marcPage } = await leaAndMarcOnTheRound();
    await leaPage.getByText('En direct').waitFor(WAIT);
    const titles = () => leaPage.getByRole('article').locator('h2').allTextContents();
    // Nothing funded yet: "nearly funded first" falls back to A–Z.
    await expect.poll(titles, WAIT).toEqual(['Boîte à livres', 'Jardin partagé', 'Vélos cargo']);
    await card(leaPage, 'Jardin partagé').getByLabel('Mon montant — Jardin partagé').focus();

    const velos = card(marcPage, 'Vélos cargo').getByLabel('Mon montant — Vélos cargo');
    await velos.fill('900');
    await velos.press('Enter');

    await leaPage.getByText('1 projet a changé de place').waitFor(WAIT);
    expect(await titles()).toEqual(['Boîte à livres', 'Jardin partagé', 'Vélos cargo']);
    await leaPage.getByRole('button', { name: 'Retrier' }).click();
    await expect.poll(titles, WAIT).toEqual(['Vélos cargo', 'Boîte à livres', 'Jardin partagé']);
  });

  it('tells a member without an allowance why there is no control', async () => {
    const { round, projects } = await seed(1);
    const newcomer = await app.t.given.member({ organisationId: round.organisationId });
    if (!projects[0]) throw new Error('seed');
    const page = await onTheRound(newcomer, round);
    await page.getByText('Vous n’avez pas de dotation dans cette cagnotte : vous pouvez lire les projets, proposer et commenter, mais pas répartir.').waitFor(WAIT);
    await card(page, 'Jardin partagé').getByRole('progressbar').waitFor(WAIT);
    expect(await page.getByLabel('Mon montant — Jardin partagé').count()).toBe(0);
  });

  it('in a permanent round, says at the control that money past the minimum is committed', async () => {
    const { t } = app;
    const { admin, round, members } = await t.given.fundingRound({ members: 1, buckets: 0, round: { kind: 'permanent', defaultAllowanceCents: 120_000 } });
    await t.given.bucket(round.id, admin, { status: 'open', title: 'Four solaire' });
    const [lea] = members;
    if (!lea) throw new Error('seed');
    const page = await onTheRound(lea, round);
    const four = card(page, 'Four solaire');
    await four.getByRole('button', { name: `Compléter le minimum (${eur(100_000)})` }).click();
    await four.getByText(`Vos ${eur(100_000)} ici sont engagés : vous pouvez en ajouter, pas les reprendre.`).waitFor(WAIT);
    expect(await four.getByRole('button', { name: 'Retirer' }).count()).toBe(0);
  });

  it('keeps the sort, filter and search in the address', async () => {
    const { round, people } = await seed(1);
    const [lea] = people;
    if (!lea) throw new Error('seed');
    const page = await onTheRound(lea, round);
    await card(page, 'Boîte à livres').getByRole('button', { name: `+${eur(1_000)}` }).click();
    await expect.poll(() => remaining(page).textContent(), WAIT).toBe(eur(42_000));

    await page.getByLabel('Trier').selectOption('az');
    await page.getByText('Les miens').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('filter'), WAIT).toBe('mine');
    await page.reload();
    await card(page, 'Boîte à livres').waitFor(WAIT);
    expect(await page.getByRole('article').count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('az');

    await page.getByText('Tous', { exact: true }).click();
    await page.getByLabel('Rechercher').fill('velo');
    await expect.poll(() => page.getByRole('article').count(), WAIT).toBe(1);
    await card(page, 'Vélos cargo').waitFor(WAIT);
  });

  it('shows a round of many projects in slices, and comes back from one far down where I was', async () => {
    const { t } = app;
    const { admin, round, members } = await t.given.fundingRound({ members: 1, buckets: 0, round: { title: 'Grand budget', defaultAllowanceCents: 43_000 } });
    const [lea] = members;
    if (!lea) throw new Error('seed');
    for (let i = 1; i <= 80; i++) await t.given.bucket(round.id, admin, { status: 'open', title: `Projet ${String(i).padStart(2, '0')}` });
    const page = await app.open(lea);
    await page.goto(`${app.origin}/rounds/${round.id}?sort=az`);
    // Every card arrives, the last ones after the first screenful.
    await card(page, 'Projet 80').waitFor(WAIT);
    expect(await page.getByRole('article').count()).toBe(80);

    const far = card(page, 'Projet 70');
    await far.scrollIntoViewIfNeeded();
    const before = await page.evaluate(() => window.scrollY);
    expect(before).toBeGreaterThan(2_000);
    await far.getByRole('link', { name: 'Projet 70' }).click();
    await page.getByRole('heading', { level: 1, name: 'Projet 70' }).waitFor(WAIT);
    await page.goBack();
    await card(page, 'Projet 70').waitFor(WAIT);
    // Far down again, not clamped to the first slices' height. (Cards off screen are laid out
    // at an estimated height, so the exact offset can differ from the one left.)
    await expect.poll(() => page.evaluate(() => window.scrollY), WAIT).toBeGreaterThan(before / 2);
  });

  it('looks finished on a laptop and a phone, in French and English', async () => {
    const { round, people } = await seed(2, 120_000);
    const [lea, marc] = people;
    if (!lea || !marc) throw new Error('seed');
    // Some money already in: one project nearly funded, one past its minimum.
    const other = await onTheRound(marc, round);
    const field = card(other, 'Jardin partagé').getByLabel('Mon montant — Jardin partagé');
    await field.fill('850');
    await field.press('Enter');
    await expect.poll(() => remaining(other).textContent(), WAIT).toBe(eur(35_000));
    const velos = card(other, 'Vélos cargo').getByLabel('Mon montant — Vélos cargo');
    await velos.fill('350');
    await velos.press('Enter');
    await expect.poll(() => remaining(other).textContent(), WAIT).toBe(eur(0));

    // Lea's own share: her project crosses its minimum.
    const mine = await onTheRound(lea, round);
    const hers = card(mine, 'Jardin partagé').getByLabel('Mon montant — Jardin partagé');
    await hers.fill('150');
    await hers.press('Enter');
    await expect.poll(() => remaining(mine).textContent(), WAIT).toBe(eur(105_000));

    for (const locale of ['fr', 'en'] as const) {
      for (const [screen, viewport] of [['laptop', undefined], ['phone', PHONE]] as const) {
        const page = await onTheRound(lea, round, { locale, viewport });
        await card(page, 'Jardin partagé').getByRole('progressbar').waitFor(WAIT);
        await page.getByText(locale === 'fr' ? 'En direct' : 'Live', { exact: true }).waitFor(WAIT);
        await expect.poll(() => remaining(page).textContent(), WAIT).toBe(eur(105_000, locale));
        if (screen === 'phone') await expectNoHorizontalScroll(page);
        else await expectAccessible(page);
        await docsScreenshot(page, `member-round-${locale}-${screen}`);
      }
    }
  });
});
