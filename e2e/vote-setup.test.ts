import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { rounds, voteBallots, voteDistricts, voteProjectDistricts, voteSettings } from '../server/src/db/schema.ts';
import { parsePb } from '../server/src/features/pabulib/index.ts';
import { LAPTOP, PHONE, WAIT, describeInBrowser, docsScreenshot, expectAccessible, expectNoHorizontalScroll } from './support/browser-app.ts';
import { anAdminOnTheNewRoundForm } from './support/new-round-form.ts';
import { repository } from './support/paths.ts';

const TOULOUSE_FILE = path.join(repository, 'server', 'test', 'fixtures', 'pabulib', 'france_toulouse_2019_.pb');
const TOULOUSE = parsePb(readFileSync(TOULOUSE_FILE, 'utf8'));

/**
 * A town sets up its vote in the browser, never with curl: the new-round form makes a vote round
 * with two districts, Toulouse 2019's points (3 per project, 7 in all) and Equal Shares; a
 * project goes into a district; the vote opens and its settings lock. A second round takes a
 * Pabulib file — a broken one is refused with its line, Toulouse 2019 goes in with its summary.
 */
describeInBrowser('setting up a vote round in the browser', (app) => {
  const words = {
    fr: {
      title: 'Titre', vote: /^Vote\b/, budget: 'Budget pour toute la ville (EUR)', addDistrict: 'Ajouter un quartier',
      districtName: (n: number) => `Nom du quartier ${n}`, districtBudget: (n: number) => `Budget du quartier ${n} (EUR)`,
      points: /^Points\b/, perProject: 'Au plus par projet (points)', total: 'En tout (points)', mes: /^Parts égales/,
      totalBelow: 'Au moins le maximum par projet.', submit: 'Créer le budget', voteCard: 'Le vote',
      districtsTitle: 'Quartiers', findResident: 'Trouver un habitant', saveVote: 'Enregistrer le vote', voteSaved: 'Les réglages du vote sont enregistrés.', residentSaved: 'Le quartier de l’habitant est enregistré.', districtOf: (name: string) => `Quartier de ${name} pour Budget participatif 2027`, projectsTitle: 'Projets par quartier', saved: 'Le quartier du projet est enregistré.',
      toProposals: 'Lancer l’appel à projets', draftNow: /^En préparation : seuls les admins le voient/, proposalsWhat: /Personne ne vote encore/, proposalsNow: /Ouvrez le vote quand la liste est prête/, votingNow: /^Le vote est ouvert : les habitants votent/, closeVote: 'Clore le vote', votersTab: 'Votants', countTab: 'Dépouillement', allowancesTab: 'Enveloppes', openVote: 'Ouvrir le vote', confirm: 'Oui, continuer', frozen: /Le vote est ouvert : son budget/, gridFrozen: 'Une fois le vote ouvert, la grille ne change plus.', votePhase: 'Vote en cours', approvalBeforeVote: 'Les projets doivent être validés par un·e relecteur·rice avant le vote', councilMeeting: 'Conseil municipal', gridLead: 'Les critères au regard desquels les habitants peuvent signaler un projet.', historyOpened: 'Le budget est passé en « Vote en cours ».',
      file: 'Le fichier .pb', import: 'Importer le fichier', invalid: /Ce n’est pas un fichier Pabulib utilisable \(ligne \d+\)/,
      imported: 'Le fichier est importé', projects: 'Projets', voters: 'Votants', ballots: 'Bulletins', voters1494: '1\u202f494',
    },
    en: {
      title: 'Title', vote: /^Vote\b/, budget: 'City-wide budget (EUR)', addDistrict: 'Add a district',
      districtName: (n: number) => `Name of district ${n}`, districtBudget: (n: number) => `Budget of district ${n} (EUR)`,
      points: /^Points\b/, perProject: 'At most per project (points)', total: 'In all (points)', mes: /^Equal Shares/,
      totalBelow: 'At least the maximum per project.', submit: 'Create the round', voteCard: 'The vote',
      districtsTitle: 'Districts', findResident: 'Find a resident', saveVote: 'Save the vote', voteSaved: 'The vote’s settings are saved.', residentSaved: 'The resident’s district is saved.', districtOf: (name: string) => `District of ${name} in Budget participatif 2027`, projectsTitle: 'Projects by district', saved: 'The project’s district is saved.',
      toProposals: 'Open the call for projects', draftNow: /^In preparation: only admins see it/, proposalsWhat: /Nobody votes yet/, proposalsNow: /Open the vote when the list is ready/, votingNow: /^The vote is open: residents vote/, closeVote: 'Close the vote', votersTab: 'Voters', countTab: 'The count', allowancesTab: 'Allowances', openVote: 'Open the vote', confirm: 'Yes, go ahead', frozen: /The vote has opened: its budget/, gridFrozen: 'Once the vote has opened, the grid no longer changes.', votePhase: 'Vote in progress', approvalBeforeVote: 'Projects must be approved by a reviewer before the vote', councilMeeting: 'Council meeting', gridLead: 'The criteria residents can flag a project against.', historyOpened: 'The round moved to “Vote in progress”.',
      file: 'The .pb file', import: 'Import the file', invalid: /This is not a usable Pabulib file \(line \d+\)/,
      imported: 'The file is in', projects: 'Projects', voters: 'Voters', ballots: 'Ballots', voters1494: '1,494',
    },
  };

  for (const locale of ['fr', 'en'] as const) {
    for (const [screen, viewport] of [['laptop', LAPTOP], ['phone', PHONE]] as const) {
      it(`creates a vote round with two districts, points 3/7 and Equal Shares, and opens it (${locale}, ${screen})`, async () => {
        const w = words[locale];
        const { org, admin, page } = await anAdminOnTheNewRoundForm(app, 'Ville de Saint-Aubin', { viewport, locale });

        await page.getByLabel(w.title, { exact: true }).fill('Budget participatif 2027');
        await page.getByRole('radio', { name: w.vote }).check();
        await page.getByLabel(w.budget).fill('20000');
        await page.getByRole('button', { name: w.addDistrict }).click();
        await page.getByRole('button', { name: w.addDistrict }).click();
        await page.getByLabel(w.districtName(1)).fill('Nord');
        await page.getByLabel(w.districtBudget(1)).fill('50000');
        await page.getByLabel(w.districtName(2)).fill('Sud');
        await page.getByLabel(w.districtBudget(2)).fill('30000');
        await page.getByRole('radio', { name: w.points }).check();
        await page.getByLabel(w.perProject).fill('3');
        // More per project than in all is refused beside the field, before anything is sent.
        await page.getByLabel(w.total).fill('2');
        await page.getByRole('button', { name: w.submit }).click();
        await page.getByText(w.totalBelow).waitFor(WAIT);
        // The error under one field leaves its neighbour's input as it was: side by side, at one height.
        const [perProjectBox, totalBox] = await Promise.all([page.getByLabel(w.perProject).boundingBox(), page.getByLabel(w.total).boundingBox()]);
        expect(perProjectBox?.height).toBe(totalBox?.height);
        if (viewport === LAPTOP) expect(perProjectBox?.y).toBe(totalBox?.y);
        await page.getByLabel(w.total).fill('7');
        await page.getByText(w.totalBelow).waitFor({ ...WAIT, state: 'hidden' });
        await page.getByRole('radio', { name: w.mes }).check();
        await expectNoHorizontalScroll(page);
        await expectAccessible(page);
        await docsScreenshot(page, `admin-vote-new-round-${locale}-${screen}`, true);

        await page.getByRole('button', { name: w.submit }).click();
        await page.waitForURL((url) => url.pathname.endsWith('/manage'), WAIT);
        const [round] = await app.t.db.select().from(rounds).where(eq(rounds.organisationId, org.id));
        expect(round).toMatchObject({ title: 'Budget participatif 2027', kind: 'vote', phase: 'draft', defaultAllowanceCents: 0 });
        const [settings] = await app.t.db.select().from(voteSettings).where(eq(voteSettings.roundId, round!.id));
        expect(settings).toMatchObject({ budgetCents: 2_000_000, ballot: { kind: 'points', maxPerProject: 3, maxTotal: 7 }, rule: { kind: 'mes', completion: 'add1', compareWithGreedy: false }, hideCounts: false });
        const districts = await app.t.db.select().from(voteDistricts).where(eq(voteDistricts.roundId, round!.id)).orderBy(asc(voteDistricts.position));
        expect(districts.map((d) => [d.name, d.budgetCents])).toEqual([['Nord', 5_000_000], ['Sud', 3_000_000]]);

        // A proposed project goes into the northern district, from the same page.
        const bench = await app.t.given.bucket(round!.id, admin, { status: 'proposed', title: 'Des bancs au parc du Nord' });
        const resident = await app.t.given.member({ organisationId: org.id, name: 'Léa Habitante' });
        await page.reload();
        await page.getByRole('heading', { name: w.projectsTitle }).waitFor(WAIT);
        await page.getByText(w.districtsTitle, { exact: true }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await expectNoHorizontalScroll(page);
        await expectAccessible(page);
        await docsScreenshot(page, `admin-vote-districts-${locale}-${screen}`);
        await page.getByLabel('Des bancs au parc du Nord').selectOption({ label: 'Nord' });
        await page.getByText(w.saved).first().waitFor(WAIT);
        expect(await app.t.db.select().from(voteProjectDistricts).where(eq(voteProjectDistricts.bucketId, bench.id))).toEqual([{ bucketId: bench.id, districtId: districts[0]!.id }]);
        // A resident is placed in the southern district: their ballot will show its projects.
        await page.getByLabel(w.findResident).fill('Léa');
        await page.getByLabel('Léa Habitante').selectOption({ label: 'Sud' });
        await page.getByText(w.residentSaved).first().waitFor(WAIT);
        expect((await app.t.db.select({ districtId: voteBallots.districtId }).from(voteBallots).where(eq(voteBallots.membershipId, resident.membershipId)))).toEqual([{ districtId: districts[1]!.id }]);
        await expectAccessible(page);
        // The Members page shows the same district and moves her too: staff manage residents there.
        await page.goto(`${app.origin}/orgs/${org.id}/members`);
        const residentDistrict = page.getByLabel(w.districtOf('Léa Habitante'));
        await expect.poll(() => residentDistrict.inputValue(), WAIT).toBe(districts[1]!.id);
        await residentDistrict.selectOption({ label: 'Nord' });
        await page.getByText(w.residentSaved).first().waitFor(WAIT);
        expect((await app.t.db.select({ districtId: voteBallots.districtId }).from(voteBallots).where(eq(voteBallots.membershipId, resident.membershipId)))).toEqual([{ districtId: districts[0]!.id }]);
        await expectNoHorizontalScroll(page);
        await expectAccessible(page);
        await page.goto(`${app.origin}/rounds/${round!.id}/manage`);
        await page.getByLabel(w.districtName(2)).waitFor(WAIT);
        // The round's page speaks of a vote and of residents, never of funding, members or a board.
        await page.getByLabel(w.approvalBeforeVote).waitFor(WAIT);
        await page.getByLabel(w.councilMeeting, { exact: true }).waitFor(WAIT);
        await page.getByText(w.gridLead).waitFor(WAIT);

        // Staff rename a district on the round's page: it keeps its id, its project and its resident.
        await page.getByLabel(w.districtName(2)).fill('Sud-Ouest');
        await page.getByRole('button', { name: w.saveVote }).click();
        await page.getByText(w.voteSaved).first().waitFor(WAIT);
        const renamed = await app.t.db.select().from(voteDistricts).where(eq(voteDistricts.roundId, round!.id)).orderBy(asc(voteDistricts.position));
        expect(renamed.map((d) => [d.id, d.name])).toEqual([[districts[0]!.id, 'Nord'], [districts[1]!.id, 'Sud-Ouest']]);

        // The staff's tabs name a vote's pages: its voters and its count, no allowances.
        const staffTabs = page.getByRole('navigation', { name: locale === 'fr' ? 'Gestion du budget' : 'Managing the round' });
        await staffTabs.getByRole('link', { name: w.votersTab }).waitFor(WAIT);
        await staffTabs.getByRole('link', { name: w.countTab }).waitFor(WAIT);
        expect(await staffTabs.getByRole('link', { name: w.allowancesTab }).count()).toBe(0);

        // Proposals, then the vote, each phase told as a vote: its settings lock, and the form says so.
        await page.getByText(w.draftNow).waitFor(WAIT);
        await page.getByText(w.draftNow).evaluate((el) => el.scrollIntoView({ block: 'center' }));
        await page.getByRole('button', { name: w.toProposals }).click();
        await page.getByRole('dialog').getByText(w.proposalsWhat).waitFor(WAIT);
        await page.getByRole('button', { name: w.confirm }).click();
        await page.getByText(w.proposalsNow).waitFor(WAIT);
        await page.getByRole('button', { name: w.openVote }).click();
        await page.getByRole('button', { name: w.confirm }).click();
        await page.getByText(w.frozen).waitFor(WAIT);
        await page.getByText(w.votingNow).waitFor(WAIT);
        await page.getByRole('button', { name: w.closeVote }).waitFor(WAIT);
        expect(await page.getByLabel(w.districtName(1)).isDisabled()).toBe(true);
        // The appraisal grid locks with the vote: a vote round has no funding to speak of.
        await page.getByText(w.gridFrozen).waitFor(WAIT);
        // Its phase is named as a vote, in the phase steps as in the round's history, never as funding.
        expect(await page.locator('[aria-current="step"]').textContent()).toContain(w.votePhase);
        await page.goto(`${app.origin}/rounds/${round!.id}/history`);
        await page.getByText(w.historyOpened).waitFor(WAIT);
        expect((await app.t.db.select({ phase: rounds.phase }).from(rounds).where(eq(rounds.id, round!.id)))[0]?.phase).toBe('funding');
      }, 90_000);

      it(`imports a Pabulib file into a vote round and shows its summary, after refusing a broken one (${locale}, ${screen})`, async () => {
        const w = words[locale];
        const org = await app.t.given.org({ name: 'Toulouse' });
        const admin = await app.t.given.member({ organisationId: org.id, role: 'admin' });
        const round = await app.t.given.round(org.id, { title: 'Budget participatif 2019', kind: 'vote', defaultAllowanceCents: 0, phase: 'draft' });
        const page = await app.open(admin, { viewport, locale });
        await page.goto(`${app.origin}/rounds/${round.id}/manage`);

        await page.getByLabel(w.file).setInputFiles({ name: 'broken.pb', mimeType: 'text/plain', buffer: Buffer.from('META\nkey;value\nbudget;abc\n') });
        await page.getByRole('button', { name: w.import }).click();
        await page.getByRole('alert').filter({ hasText: w.invalid }).waitFor(WAIT);
        await expectAccessible(page);

        await page.getByLabel(w.file).setInputFiles(TOULOUSE_FILE);
        await page.getByRole('button', { name: w.import }).click();
        const summary = page.getByRole('heading', { name: w.imported });
        await summary.waitFor(WAIT);
        const figure = async (term: string) => (await page.locator('dl div').filter({ has: page.getByRole('term').getByText(term, { exact: true }) }).getByRole('definition').textContent())?.trim();
        // Counts are grouped the reader's way: "1 494" in French, "1,494" in English.
        expect(TOULOUSE.votes.length).toBe(1494);
        expect(await figure(w.voters)).toBe(w.voters1494);
        expect(await figure(w.projects)).toBe(String(TOULOUSE.projects.length));
        expect(await figure(w.ballots)).toBe(new Intl.NumberFormat(locale).format(TOULOUSE.votes.filter((v) => v.vote.length > 0).length));
        await summary.evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await expectNoHorizontalScroll(page);
        await expectAccessible(page);
        await docsScreenshot(page, `admin-vote-import-${locale}-${screen}`);
        const [settings] = await app.t.db.select().from(voteSettings).where(eq(voteSettings.roundId, round.id));
        expect(settings?.ballot).toEqual({ kind: 'points', maxPerProject: 3, maxTotal: 7 });
      }, 90_000);
    }
  }
});
