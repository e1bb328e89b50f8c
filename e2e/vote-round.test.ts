import { expect, it } from 'vitest';
import request from 'supertest';
import type { Member } from '../server/test/given.ts';
import { voteSettings } from '../server/src/db/schema.ts';
import { createProjectorLink } from './support/board-meeting.ts';
import { PHONE, WAIT, describeInBrowser, docsScreenshot, expectAccessible, expectNoHorizontalScroll } from './support/browser-app.ts';

describeInBrowser('a vote round in the browser', (app) => {
  /** A vote in progress: approve at most 2 of 3 projects, budget €4,000, greedy; counts shown unless `hideCounts`. */
  async function openVote(options: { hideCounts?: boolean } = {}) {
    const { t } = app;
    const admin = await t.given.member({ role: 'admin' });
    const round = await t.given.round(admin.organisationId, { title: 'Budget participatif 2027', kind: 'vote', defaultAllowanceCents: 0, phase: 'funding' });
    await t.db.insert(voteSettings).values({ roundId: round.id, budgetCents: 400_000, ballot: { kind: 'approval', minProjects: 1, maxProjects: 2 }, rule: { kind: 'greedy' }, hideCounts: options.hideCounts ?? false });
    const projects = [];
    for (const [title, cost] of [['Un parc', 300_000], ['Une piste cyclable', 200_000], ['Des bancs', 100_000]] as const) {
      projects.push(await t.given.bucket(round.id, admin, { status: 'open', title, lines: [{ label: 'Coût', amountCents: cost, essential: true }] }));
    }
    const resident = await t.given.member({ organisationId: admin.organisationId, name: 'Léa Habitante' });
    const paperVoter = await t.given.member({ organisationId: admin.organisationId, name: 'Paul Papier' });
    return { admin, round, projects, resident, paperVoter };
  }

  it('shows a vote round’s projects by their cost, without money to spend, and leads to the ballot', async () => {
    const { round, resident } = await openVote();
    const page = await app.open(resident, { locale: 'fr' });
    await page.goto(`${app.origin}/rounds/${round.id}`);
    await page.getByText('Le vote est ouvert : choisissez vos projets sur votre bulletin.').waitFor(WAIT);
    const park = page.getByRole('article').filter({ hasText: 'Un parc' });
    await park.getByText('Coût').waitFor(WAIT);
    await park.getByText('3 000,00 €').waitFor(WAIT);
    expect(await page.getByText('Mon solde').count()).toBe(0);
    expect(await park.getByText('Minimum').count()).toBe(0);
    await expectAccessible(page);
    await docsScreenshot(page, 'vote-round-projects-fr-laptop');
    await page.getByRole('link', { name: 'Mon bulletin' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Mon bulletin' }).waitFor(WAIT);

    const phone = await app.open(resident, { viewport: PHONE, locale: 'en' });
    await phone.goto(`${app.origin}/rounds/${round.id}`);
    await phone.getByRole('article').filter({ hasText: 'Des bancs' }).getByText('€1,000.00').waitFor(WAIT);
    await expectNoHorizontalScroll(phone);
    await docsScreenshot(phone, 'vote-round-projects-en-phone');
  });

  it('gives staff a vote’s own pages: who votes, the paper ballots and the count, never allowances', async () => {
    const { round, admin } = await openVote();
    for (const [locale, w] of [
      ['fr', { tabs: 'Gestion du budget', voters: 'Votants', roll: 'Qui vote', count: '2 votants sur 3 membres', countTab: 'Dépouillement' }],
      ['en', { tabs: 'Managing the round', voters: 'Voters', roll: 'Who votes', count: '2 voters out of 3 members', countTab: 'The count' }],
    ] as const) {
      for (const viewport of [undefined, PHONE]) {
        const staff = await app.open(admin, { locale, viewport });
        await staff.goto(`${app.origin}/rounds/${round.id}/manage/allowances`);
        await staff.getByRole('heading', { level: 1, name: w.voters }).waitFor(WAIT);
        await staff.getByRole('heading', { name: w.roll }).waitFor(WAIT);
        // The two residents vote; the admin, not marked as a sociétaire, does not.
        await staff.getByText(w.count).waitFor(WAIT);
        await staff.getByText('Léa Habitante').waitFor(WAIT);
        // Nobody holds money: no amount to set, nothing to import or top up.
        expect(await staff.getByRole('textbox').count()).toBe(0);
        await expectNoHorizontalScroll(staff);
        await expectAccessible(staff);
        await staff.getByRole('navigation', { name: w.tabs }).getByRole('link', { name: w.countTab }).click();
        await staff.waitForURL((url) => url.pathname.endsWith('/vote/results'), WAIT);
      }
    }
    // An allowance round's pages, opened directly, lead to the vote's own.
    const staff = await app.open(admin, { locale: 'fr' });
    await staff.goto(`${app.origin}/rounds/${round.id}/manage/close`);
    await staff.waitForURL((url) => url.pathname.endsWith('/vote/results'), WAIT);
    await staff.goto(`${app.origin}/rounds/${round.id}/manage/ballots`);
    await staff.waitForURL((url) => url.pathname.endsWith('/vote/paper'), WAIT);
    await staff.getByRole('heading', { level: 1, name: 'Bulletins papier' }).waitFor(WAIT);
  });

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
    const enLaptop = await app.open(resident, { locale: 'en' });
    await enLaptop.goto(`${app.origin}/rounds/${round.id}/vote`);
    await enLaptop.getByText(/Your ballot is saved/).waitFor(WAIT);
    await docsScreenshot(enLaptop, 'vote-ballot-en-laptop');
    const frPhone = await app.open(resident, { locale: 'fr', viewport: PHONE });
    await frPhone.goto(`${app.origin}/rounds/${round.id}/vote`);
    await frPhone.getByText(/Votre bulletin est enregistré/).waitFor(WAIT);
    await expectNoHorizontalScroll(frPhone);
    await docsScreenshot(frPhone, 'vote-ballot-fr-phone');

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
    await docsScreenshot(en, 'vote-results-en-laptop', true);
    const enPhone = await app.open(resident, { locale: 'en', viewport: PHONE });
    await enPhone.goto(`${app.origin}/rounds/${round.id}/vote/results`);
    await enPhone.getByRole('heading', { level: 1, name: 'Results of the vote' }).waitFor(WAIT);
    await expectNoHorizontalScroll(enPhone);
    await docsScreenshot(enPhone, 'vote-results-en-phone');

    // The accountant takes the selection from the results page.
    const accountant = await app.t.given.member({ organisationId: admin.organisationId, role: 'accountant' });
    const books = await app.open(accountant, { locale: 'fr', viewport: PHONE });
    await books.goto(`${app.origin}/rounds/${round.id}/vote/results`);
    await books.getByRole('heading', { name: 'Pour la comptabilité' }).waitFor(WAIT);
    const selection = await books.getByRole('link', { name: 'Télécharger la sélection (CSV)' }).getAttribute('href');
    const file = await books.evaluate(async (href) => (await fetch(href ?? '')).text(), selection);
    expect(file).toContain('Un parc');
    await expectNoHorizontalScroll(books);
    await expectAccessible(books);
    await docsScreenshot(books, 'vote-results-fr-phone', true);
  }, 120_000);

  const castFor = (member: Member, roundId: string, approved: string[]) =>
    request(app.t.app.server).put(`/api/rounds/${roundId}/ballot`).set(app.t.given.authFor(member)).send({ kind: 'approval', approved }).expect(200);

  it('shows the counts live on the projector and the ballot, then celebrates the winners at the close', async () => {
    const { round, admin, resident, paperVoter, projects } = await openVote();
    const parc = projects[0]!;
    const bancs = projects[2]!;
    const link = await createProjectorLink(app.t, admin, round.id);
    const screen = await app.open(null, { locale: 'fr' });
    await screen.goto(link.url);
    await screen.getByRole('heading', { level: 1, name: 'Budget participatif 2027' }).waitFor(WAIT);
    const ballots = screen.locator('[data-figure="ballots"]');
    await ballots.getByText('0').waitFor(WAIT);
    const ballotPage = await app.open(paperVoter, { locale: 'fr' });
    await ballotPage.goto(`${app.origin}/rounds/${round.id}/vote`);
    await ballotPage.getByRole('checkbox', { name: 'Un parc' }).waitFor(WAIT);

    await castFor(resident, round.id, [parc.id, bancs.id]);
    await castFor(paperVoter, round.id, [parc.id]);
    // Both screens follow the vote as it comes, without a reload.
    await screen.getByRole('listitem').filter({ hasText: 'Un parc' }).getByText('2 voix').waitFor(WAIT);
    await screen.getByRole('listitem').filter({ hasText: 'Des bancs' }).getByText('1 voix').waitFor(WAIT);
    await ballots.getByText('2').waitFor(WAIT);
    await ballotPage.getByRole('listitem').filter({ hasText: 'Un parc' }).getByText(/2 voix/).waitFor(WAIT);
    await expectAccessible(screen);
    await docsScreenshot(screen, 'vote-projector-fr-laptop');
    const phone = await app.open(null, { locale: 'fr', viewport: PHONE });
    await phone.goto(link.url);
    await phone.getByRole('listitem').filter({ hasText: 'Un parc' }).getByText('2 voix').waitFor(WAIT);
    await expectNoHorizontalScroll(phone);
    await docsScreenshot(phone, 'vote-projector-fr-phone');

    await request(app.t.app.server).post(`/api/rounds/${round.id}/vote/close`).set(app.t.given.authFor(admin)).expect(200);
    const celebration = screen.getByTestId('celebration');
    await celebration.getByText('Les lauréats !').waitFor(WAIT);
    expect((await celebration.textContent())?.replace(/\s/g, ' ')).toContain('2 projets retenus4 000,00 € du budget de 4 000,00 €');
    await celebration.waitFor({ state: 'detached', timeout: 15_000 });
    await screen.getByRole('listitem').filter({ hasText: 'Un parc' }).getByText('Retenu', { exact: true }).waitFor(WAIT);
    await screen.getByRole('listitem').filter({ hasText: 'Une piste cyclable' }).getByText('Non retenu').waitFor(WAIT);
    await expectAccessible(screen);

    // A screen opened after the close shows the winners, without the celebration.
    const en = await app.open(null, { locale: 'en' });
    await en.goto(link.url);
    await en.getByRole('listitem').filter({ hasText: 'Un parc' }).getByText('Selected', { exact: true }).waitFor(WAIT);
    await en.locator('[data-figure="satisfied-city"]').getByText('100%').waitFor(WAIT);
    expect(await en.getByTestId('celebration').count()).toBe(0);
    await expectAccessible(en);
    await docsScreenshot(en, 'vote-projector-en-laptop');
    const enPhone = await app.open(null, { locale: 'en', viewport: PHONE });
    await enPhone.goto(link.url);
    await enPhone.getByRole('listitem').filter({ hasText: 'Des bancs' }).getByText('Selected', { exact: true }).waitFor(WAIT);
    await expectNoHorizontalScroll(enPhone);
    await docsScreenshot(enPhone, 'vote-projector-en-phone');
  }, 120_000);

  it('shows only the turnout while the round hides its counts', async () => {
    const { round, admin, resident, projects } = await openVote({ hideCounts: true });
    const link = await createProjectorLink(app.t, admin, round.id);
    const screen = await app.open(null, { locale: 'en' });
    await screen.goto(link.url);
    await screen.getByText('The counts are revealed at the close. Until then, only the turnout is shown.').waitFor(WAIT);
    await castFor(resident, round.id, [projects[0]!.id]);
    await screen.locator('[data-figure="ballots"]').getByText('1').waitFor(WAIT);
    expect(await screen.getByText(/approval/).count()).toBe(0);
    await expectAccessible(screen);
    const ballot = await app.open(resident, { locale: 'en' });
    await ballot.goto(`${app.origin}/rounds/${round.id}/vote`);
    await ballot.getByText(/Your ballot is saved/).waitFor(WAIT);
    expect(await ballot.getByText(/approval/).count()).toBe(0);
  }, 60_000);
});
