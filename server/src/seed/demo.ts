import { readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { budgetTotals } from '@cagnotte/shared';
import { one, type Db, type Executor } from '../db/client.ts';
import { buckets, bucketProposers, criteria, memberships, organisations, people, rounds, type BudgetLine } from '../db/schema.ts';
import { issueMagicLink } from '../features/auth/service.ts';
import { openFunding, allocateMany } from '../features/ledger/index.ts';
import { replayBallots, type Ballot } from './ballots.ts';

export const DEMO_SLUG = 'demo';
export const DEMO_ADMIN_EMAIL = 'admin@demo.cagnotte.local';

type Role = 'admin' | 'reviewer' | 'accountant' | 'member';
/** Everyone in the demo cooperative (the README lists them): one person per role, and members. */
export const DEMO_PEOPLE: readonly { email: string; name: string; role: Role }[] = [
  { email: DEMO_ADMIN_EMAIL, name: 'Camille Admin', role: 'admin' },
  { email: 'reviewer@demo.cagnotte.local', name: 'Rémi Relecteur', role: 'reviewer' },
  { email: 'accountant@demo.cagnotte.local', name: 'Agnès Comptable', role: 'accountant' },
  { email: 'lea@demo.cagnotte.local', name: 'Léa Sociétaire', role: 'member' },
  { email: 'marie@demo.cagnotte.local', name: 'Marie Porteuse', role: 'member' },
  { email: 'youssef@demo.cagnotte.local', name: 'Youssef Coopérateur', role: 'member' },
  { email: 'ines@demo.cagnotte.local', name: 'Inès Martin', role: 'member' },
  { email: 'thomas@demo.cagnotte.local', name: 'Thomas Bernard', role: 'member' },
  { email: 'sofia@demo.cagnotte.local', name: 'Sofia Haddad', role: 'member' },
  { email: 'hugo@demo.cagnotte.local', name: 'Hugo Lefèvre', role: 'member' },
  { email: 'nadia@demo.cagnotte.local', name: 'Nadia Benali', role: 'member' },
];
/** Marie proposed the cooperative's projects. */
const PROPOSER_EMAIL = 'marie@demo.cagnotte.local';

const euros = (n: number) => Math.round(n * 100);

type SeedProject = { title: string; summary: string; lines: BudgetLine[] };

const CARGO = 'Un vélo-cargo partagé';
const TRAINING = 'Formation comptabilité pour les porteurs';
const KITCHEN = 'Rénover la cuisine du local';
const COOP_PROJECTS: SeedProject[] = [
  {
    title: CARGO,
    summary: 'Pour les livraisons des membres et les déménagements du local.',
    lines: [
      { label: 'Vélo-cargo électrique d’occasion', amountCents: euros(1200), essential: true },
      { label: 'Antivol et assurance la première année', amountCents: euros(180), essential: true },
      { label: 'Bâche de pluie', amountCents: euros(90), essential: false },
    ],
  },
  {
    title: TRAINING,
    summary: 'Deux journées avec une formatrice, ouvertes à tous les membres.',
    lines: [
      { label: 'Formatrice, deux jours', amountCents: euros(900), essential: true },
      { label: 'Repas partagés', amountCents: euros(160), essential: false },
    ],
  },
  {
    title: KITCHEN,
    summary: 'Plan de travail, évier et un vrai frigo.',
    lines: [
      { label: 'Plan de travail et évier', amountCents: euros(640), essential: true },
      { label: 'Réfrigérateur', amountCents: euros(420), essential: true },
      { label: 'Peinture', amountCents: euros(130.5), essential: false },
    ],
  },
];

/**
 * What the other members already gave when a newcomer signs in: the training past its minimum
 * (€950 of €900), the cargo bike nearly funded (€1,200 of €1,380: Léa's €430 can carry it over)
 * and the kitchen far below (€250 of €1,060). Léa, the admin, the reviewer and the accountant
 * have not allocated yet.
 */
const COOP_ALLOCATIONS: { email: string; project: string; euros: number }[] = [
  { email: 'youssef@demo.cagnotte.local', project: TRAINING, euros: 300 },
  { email: 'youssef@demo.cagnotte.local', project: CARGO, euros: 130 },
  { email: 'marie@demo.cagnotte.local', project: CARGO, euros: 400 },
  { email: 'ines@demo.cagnotte.local', project: TRAINING, euros: 250 },
  { email: 'ines@demo.cagnotte.local', project: KITCHEN, euros: 100 },
  { email: 'thomas@demo.cagnotte.local', project: CARGO, euros: 300 },
  { email: 'thomas@demo.cagnotte.local', project: TRAINING, euros: 100 },
  { email: 'sofia@demo.cagnotte.local', project: TRAINING, euros: 200 },
  { email: 'sofia@demo.cagnotte.local', project: KITCHEN, euros: 150 },
  { email: 'hugo@demo.cagnotte.local', project: CARGO, euros: 370 },
  { email: 'nadia@demo.cagnotte.local', project: TRAINING, euros: 100 },
];

/** Toulouse 2019: 1,000,000 € for 1,494 voters, so €669 each. */
const TOULOUSE_ALLOWANCE_CENTS = euros(669);
/**
 * The ballots replayed: the first 1,300 of the 1,494, as if the vote were still going on. With
 * all of them every project ends full or far below; with these, eleven are full, one (the
 * Maraîchers' urban garden, 91 %) is nearly funded, fourteen are below half their cost, and the
 * 194 voters still to vote hold their €669 (so do the voters whose choices were all full already).
 */
export const TOULOUSE_BALLOTS_CAST = 1300;
export const TOULOUSE_VOTERS = 1494;
const voterEmail = (n: number) => `votant-${String(n).padStart(4, '0')}@toulouse.demo.cagnotte.local`;

const readCsv = <T>(name: string) => parse(readFileSync(new URL(`./data/${name}`, import.meta.url)), { columns: true, skip_empty_lines: true }) as T[];

type ToulouseRow = { project_id: string; cost_eur: string; district: string; name: string; voters: string };

/** The 30 projects of Toulouse's 2019 participatory budget (public data, Pabulib), keyed by their id there. */
function toulouseProjects(): (SeedProject & { projectId: string })[] {
  return readCsv<ToulouseRow>('toulouse-2019-projects.csv').map((row) => ({
    projectId: row.project_id,
    title: row.name.trim().replace(/\s+/g, ' '),
    summary: `Quartier ${row.district} — projet n° ${row.project_id} du budget participatif 2019.`,
    lines: [{ label: 'Coût estimé par les services', amountCents: euros(Number(row.cost_eur)), essential: true }],
  }));
}

/** The 1,494 real ballots of that vote (cumulative: up to 7 points, at most 3 per project), in their order. */
function toulouseBallots(): Ballot[] {
  return readCsv<{ projects: string; points: string }>('toulouse-2019-ballots.csv').map((row) => ({
    projectIds: row.projects.split(' '),
    points: row.points.split(' ').map(Number),
  }));
}

async function addOpenProjects(tx: Executor, roundId: string, createdBy: string, projects: readonly SeedProject[]): Promise<string[]> {
  const inserted = await tx
    .insert(buckets)
    .values(projects.map((p) => ({
      roundId,
      title: p.title,
      summary: p.summary,
      status: 'open' as const,
      budgetLines: p.lines,
      ...budgetTotals(p.lines),
      createdBy,
    })))
    .returning({ id: buckets.id, title: buckets.title });
  await tx.insert(bucketProposers).values(inserted.map((b) => ({ bucketId: b.id, membershipId: createdBy, status: 'accepted' as const })));
  // RETURNING follows the VALUES order; checked, so that nothing silently rests on it.
  return projects.map((p, i) => {
    const row = inserted[i];
    if (row?.title !== p.title) throw new Error(`demo bucket ${p.title} not where expected`);
    return row.id;
  });
}

async function seedCooperative(tx: Executor, now: () => Date) {
  const org = one(await tx
    .insert(organisations)
    .values({ name: 'Coopérative Demo', slug: DEMO_SLUG, currency: 'EUR', locale: 'fr', timeZone: 'Europe/Paris' })
    .returning(), 'organisation');
  const persons = await tx.insert(people).values(DEMO_PEOPLE.map((p) => ({ email: p.email, name: p.name }))).returning();
  const personId = (email: string) => one(persons.filter((p) => p.email === email), email).id;
  const rows = await tx
    .insert(memberships)
    .values(DEMO_PEOPLE.map((p) => ({ organisationId: org.id, personId: personId(p.email), name: p.name, role: p.role, eligible: true })))
    .returning();
  const membershipOf = (email: string) => one(rows.filter((m) => m.personId === personId(email)), `membership of ${email}`).id;

  const closesAt = new Date(now().getTime() + 14 * 86_400_000);
  const round = one(await tx
    .insert(rounds)
    .values({
      organisationId: org.id,
      title: 'Projets collectifs 2027',
      description: 'Chaque sociétaire dispose de **430 €** issus des excédents de l’an dernier. Répartissez-les entre les projets ; ceux qui atteignent leur minimum seront réalisés.',
      currency: 'EUR',
      phase: 'funding',
      defaultAllowanceCents: euros(430),
      minCoProposers: 1,
      shortfallRule: 'return',
      closesAt,
      boardMeetingAt: new Date(closesAt.getTime() + 86_400_000),
    })
    .returning(), 'round');
  await tx.insert(criteria).values([
    { roundId: round.id, position: 1, title: 'Profite à plusieurs membres', description: 'Le projet sert au collectif, pas à une seule personne.' },
    { roundId: round.id, position: 2, title: 'Budget réaliste', description: 'Les lignes sont chiffrées par des devis ou des prix constatés.' },
  ]);
  const bucketIds = await addOpenProjects(tx, round.id, membershipOf(PROPOSER_EMAIL), COOP_PROJECTS);
  const bucketOf = (title: string) => bucketIds[COOP_PROJECTS.findIndex((p) => p.title === title)] ?? '';
  await openFunding(tx, round, membershipOf(DEMO_ADMIN_EMAIL));
  await allocateMany(tx, {
    roundId: round.id,
    allocations: COOP_ALLOCATIONS.map((a) => ({ membershipId: membershipOf(a.email), bucketId: bucketOf(a.project), amountCents: euros(a.euros) })),
  });
  return { org, admin: one(persons.filter((p) => p.email === DEMO_ADMIN_EMAIL), 'admin') };
}

async function seedToulouse(tx: Executor, admin: { id: string; name: string }) {
  const town = one(await tx
    .insert(organisations)
    .values({ name: 'Toulouse — budget participatif 2019 (démo)', slug: 'toulouse-2019', currency: 'EUR', locale: 'fr', timeZone: 'Europe/Paris' })
    .returning(), 'organisation');
  const townAdmin = one(await tx.insert(memberships).values({ organisationId: town.id, personId: admin.id, name: admin.name, role: 'admin' }).returning(), 'membership');
  // 1,494 people and memberships in two statements: a first start must stay quick.
  const voters = (await tx.execute(sql`
    WITH created AS (
      INSERT INTO people (email, name)
      SELECT 'votant-' || lpad(n::text, 4, '0') || '@toulouse.demo.cagnotte.local', 'Votant·e n° ' || n
      FROM generate_series(1, ${TOULOUSE_VOTERS}::int) AS n
      RETURNING id, email, name
    ), joined AS (
      INSERT INTO memberships (organisation_id, person_id, name, role)
      SELECT ${town.id}, id, name, 'member' FROM created
      RETURNING id, person_id
    )
    SELECT j.id, c.email FROM joined j JOIN created c ON c.id = j.person_id`)).rows as { id: string; email: string }[];
  const membershipByEmail = new Map(voters.map((v) => [v.email, v.id]));
  /** Ballot i (from 0) is voter n° i + 1's. */
  const voterMembership = (ballot: number) => membershipByEmail.get(voterEmail(ballot + 1)) ?? '';

  const round = one(await tx
    .insert(rounds)
    .values({
      organisationId: town.id,
      title: 'Budget participatif 2019',
      description: `1 000 000 € pour les projets des habitants ; 30 projets soumis au vote. Les bulletins réels de ${TOULOUSE_BALLOTS_CAST} des ${TOULOUSE_VOTERS} votants sont rejoués : leurs points deviennent une part de leurs 669 €.`,
      currency: 'EUR',
      phase: 'funding',
      defaultAllowanceCents: TOULOUSE_ALLOWANCE_CENTS,
      nearlyFundedPercent: 80,
      shortfallRule: 'board',
    })
    .returning(), 'round');
  const projects = toulouseProjects();
  const bucketIds = await addOpenProjects(tx, round.id, townAdmin.id, projects);
  const bucketByProject = new Map(projects.map((p, i) => [p.projectId, bucketIds[i] ?? '']));
  await openFunding(tx, round, townAdmin.id);

  const costs = new Map(projects.map((p) => [p.projectId, p.lines.reduce((s, l) => s + l.amountCents, 0)]));
  const replayed = replayBallots(toulouseBallots().slice(0, TOULOUSE_BALLOTS_CAST), costs, TOULOUSE_ALLOWANCE_CENTS);
  await allocateMany(tx, {
    roundId: round.id,
    allocations: replayed.map((a) => ({ membershipId: voterMembership(a.voter), bucketId: bucketByProject.get(a.projectId) ?? '', amountCents: a.amountCents })),
  });
}

/**
 * On first start, a demo cooperative (every role, a round in funding with money already moving)
 * and, in a second organisation, Toulouse's 2019 budget with its real projects and ballots.
 * On every start, a fresh sign-in link for the demo admin.
 */
export async function seedDemo({ db, publicUrl, now }: { db: Db; publicUrl: string; now: () => Date }) {
  return db.transaction(async (tx) => {
    let [org] = await tx.select().from(organisations).where(eq(organisations.slug, DEMO_SLUG));
    if (!org) {
      const seeded = await seedCooperative(tx, now);
      org = seeded.org;
      await seedToulouse(tx, seeded.admin);
    }
    const [admin] = await tx.select().from(people).where(eq(people.email, DEMO_ADMIN_EMAIL));
    if (!admin) return undefined;
    return {
      organisation: org.name,
      adminEmail: DEMO_ADMIN_EMAIL,
      signInUrl: await issueMagicLink(tx, admin.id, { publicUrl, now }),
    };
  });
}
