import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { voteSettings } from '../server/src/db/schema.ts';
import { PHONE, WAIT, docsScreenshot, expectAccessible, expectNoHorizontalScroll, mode, startBrowserApp, type BrowserApp } from './support/browser-app.ts';

describe.skipIf(mode === 'skip')('a vote round in the browser', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp();
  });
  afterEach(() => app.closeContexts());
  afterAll(() => app?.close());

  /** A vote in progress: approve at most 2 of 3 projects, budget €4,000, greedy. */
  async function openVote() {
    const { t } = app;
    const admin = await t.given.member({ role: 'admin' });
    const round = await t.given.round(admin.organisationId, { title: 'Budget participatif 2027', kind: 'vote', defaultAllowanceCents: 0, phase: 'funding' });
    await t.db.insert(voteSettings).values({ roundId: round.id, budgetCents: 400_000, ballot: { kind: 'approval', minProjects: 1, maxProjects: 2 }, rule: { kind: 'greedy' } });
    const projects = [];
    for (const [title, cost] of [['Un parc', 300_000], ['Une piste cyclable', 200_000], ['Des bancs', 100_000]] as const) {
      projects.push(await t.given.bucket(round.id, admin, { status: 'open', title, lines: [{ label: 'Coût', amountCents: cost, essential: true }] }));
    }
    const resident = await t.given.member({ organisationId: admin.organisationId, name: 'Léa Habitante' });
    const paperVoter = await t.given.member({ organisationId: admin.organisationId, name: 'Paul Papier' });
    return { admin, round, projects, resident, paperVoter };
  }

  it('lets a resident approve, change their ballot, staff enter a paper one, and the close explains the results', async () => {
    const { round, admin, resident } = await openVote();
    const page = await app.open(resident, { locale: 'fr' });
    await page.goto(`${app.origin}/rounds/${round.id}/vote`);
    await page.getByRole('heading', { level: 1, name: 'Mon bulletin' }).waitFor(WAIT);
    await page.getByText('Approuvez entre 1 et 2 projets.').waitFor(WAIT);
    await page.getByRole('checkbox', { name: 'Un parc' }).check();
    await page.getByRole('checkbox', { name: 'Des bancs' }).check();
    await page.getByText('2 projets approuvés').waitFor(WAIT);
    await page.getByRole('checkbox', { name: 'Une piste cyclable' }).check();
    await page.getByText('Approuvez au plus 2 projets (ce bulletin en approuve 3).').waitFor(WAIT);
    await page.getByRole('checkbox', { name: 'Une piste cyclable' }).uncheck();
    await page.getByRole('button', { name: 'Voter' }).click();
    await page.getByText(/Votre bulletin est enregistré/).waitFor(WAIT);
    await expectAccessible(page);
    await docsScreenshot(page, 'vote-ballot-fr-laptop');
    // Change until the close: swap the benches for the cycle lane.
    await page.getByRole('checkbox', { name: 'Des bancs' }).uncheck();
    await page.getByRole('checkbox', { name: 'Une piste cyclable' }).check();
    await page.getByText('Modifications pas encore enregistrées').waitFor(WAIT);
    await page.getByRole('button', { name: 'Enregistrer mes changements' }).click();
    await page.getByText(/Votre bulletin est enregistré/).waitFor(WAIT);
    await page.reload();
    await page.getByRole('checkbox', { name: 'Un parc' }).waitFor(WAIT);
    await page.getByText(/Votre bulletin est enregistré/).waitFor(WAIT);
    expect(await page.getByRole('checkbox', { name: 'Des bancs' }).isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: 'Une piste cyclable' }).isChecked()).toBe(true);

    const phone = await app.open(resident, { viewport: PHONE, locale: 'en' });
    await phone.goto(`${app.origin}/rounds/${round.id}/vote`);
    await phone.getByRole('heading', { level: 1, name: 'My ballot' }).waitFor(WAIT);
    await expectNoHorizontalScroll(phone);
    await expectAccessible(phone);
    await docsScreenshot(phone, 'vote-ballot-en-phone');

    // Staff type in Paul's paper ballot.
    const staff = await app.open(admin, { locale: 'fr' });
    await staff.goto(`${app.origin}/rounds/${round.id}/vote/paper`);
    await staff.getByRole('heading', { level: 1, name: 'Bulletins papier' }).waitFor(WAIT);
    await staff.getByLabel('Trouver l’habitant').fill('Paul');
    await staff.getByRole('button', { name: 'Paul Papier' }).click();
    await staff.getByText('Paul Papier n’a pas encore voté.').waitFor(WAIT);
    await staff.getByRole('checkbox', { name: 'Un parc' }).check();
    await staff.getByRole('button', { name: 'Enregistrer le bulletin papier de Paul Papier' }).click();
    // Saved: back to the search for the next paper ballot.
    await staff.getByLabel('Trouver l’habitant').waitFor(WAIT);
    await expectAccessible(staff);

    // The close, then results in plain words.
    await staff.goto(`${app.origin}/rounds/${round.id}/vote/results`);
    await staff.getByRole('button', { name: 'Clore le vote et dépouiller' }).click();
    await staff.getByRole('button', { name: 'Oui, clore et dépouiller maintenant' }).click();
    const parc = staff.getByRole('article').filter({ hasText: 'Un parc' });
    await parc.getByText('Retenu').waitFor(WAIT);
    await parc.getByText(/Classé n° 1 en voix/).waitFor(WAIT);
    // Léa's ballot and Paul's paper one both count.
    await parc.getByText('2 voix').waitFor(WAIT);
    const piste = staff.getByRole('article').filter({ hasText: 'Une piste cyclable' });
    await piste.getByText('Non retenu').waitFor(WAIT);
    expect((await piste.textContent())?.replace(/\s/g, ' ')).toContain('Classé n° 2 en voix, mais il ne restait que 1 000,00 € du budget à son tour');
    await expectAccessible(staff);
    await docsScreenshot(staff, 'vote-results-fr-laptop');

    const en = await app.open(resident, { locale: 'en' });
    await en.goto(`${app.origin}/rounds/${round.id}/vote/results`);
    await en.getByRole('article').filter({ hasText: 'Des bancs' }).getByText('Nobody voted for it.').waitFor(WAIT);
    await expectAccessible(en);
    const enPhone = await app.open(resident, { locale: 'en', viewport: PHONE });
    await enPhone.goto(`${app.origin}/rounds/${round.id}/vote/results`);
    await enPhone.getByRole('heading', { level: 1, name: 'Results of the vote' }).waitFor(WAIT);
    await expectNoHorizontalScroll(enPhone);
  }, 120_000);
});
