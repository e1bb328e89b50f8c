import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { one, type Db, type Executor } from '../db/client.ts';
import { buckets, bucketProposers, criteria, memberships, organisations, people, rounds, type BudgetLine } from '../db/schema.ts';
import { issueMagicLink } from '../features/auth/service.ts';
import { openFunding } from '../features/allocations/ledger.ts';

export const DEMO_SLUG = 'demo';
export const DEMO_ADMIN_EMAIL = 'admin@demo.cagnotte.local';

const DEMO_PEOPLE = [
  { email: DEMO_ADMIN_EMAIL, name: 'Camille Admin', role: 'admin' },
  { email: 'reviewer@demo.cagnotte.local', name: 'Rémi Relecteur', role: 'reviewer' },
  { email: 'accountant@demo.cagnotte.local', name: 'Agnès Comptable', role: 'accountant' },
  { email: 'lea@demo.cagnotte.local', name: 'Léa Sociétaire', role: 'member' },
  { email: 'youssef@demo.cagnotte.local', name: 'Youssef Coopérateur', role: 'member' },
  { email: 'marie@demo.cagnotte.local', name: 'Marie Porteuse', role: 'member' },
] as const;

const euros = (n: number) => Math.round(n * 100);

const COOP_PROJECTS: { title: string; summary: string; lines: BudgetLine[] }[] = [
  {
    title: 'Un vélo-cargo partagé',
    summary: 'Pour les livraisons des membres et les déménagements du local.',
    lines: [
      { label: 'Vélo-cargo électrique d’occasion', amountCents: euros(1200), essential: true },
      { label: 'Antivol et assurance la première année', amountCents: euros(180), essential: true },
      { label: 'Bâche de pluie', amountCents: euros(90), essential: false },
    ],
  },
  {
    title: 'Formation comptabilité pour les porteurs',
    summary: 'Deux journées avec une formatrice, ouvertes à tous les membres.',
    lines: [
      { label: 'Formatrice, deux jours', amountCents: euros(900), essential: true },
      { label: 'Repas partagés', amountCents: euros(160), essential: false },
    ],
  },
  {
    title: 'Rénover la cuisine du local',
    summary: 'Plan de travail, évier et un vrai frigo.',
    lines: [
      { label: 'Plan de travail et évier', amountCents: euros(640), essential: true },
      { label: 'Réfrigérateur', amountCents: euros(420), essential: true },
      { label: 'Peinture', amountCents: euros(130.5), essential: false },
    ],
  },
];

type ToulouseRow = { project_id: string; cost_eur: string; district: string; name: string; voters: string };

/** The 30 projects of Toulouse's 2019 participatory budget (public data, Pabulib). */
function toulouseProjects(): { title: string; summary: string; lines: BudgetLine[] }[] {
  const rows = parse(readFileSync(new URL('./toulouse-2019-projects.csv', import.meta.url)), { columns: true, skip_empty_lines: true }) as ToulouseRow[];
  return rows.map((row) => ({
    title: row.name.trim().replace(/\s+/g, ' '),
    summary: `Quartier ${row.district} — projet n° ${row.project_id} du budget participatif 2019.`,
    lines: [{ label: 'Coût estimé par les services', amountCents: euros(Number(row.cost_eur)), essential: true }],
  }));
}

async function addOpenProjects(tx: Executor, roundId: string, createdBy: string, projects: { title: string; summary: string; lines: BudgetLine[] }[]) {
  for (const project of projects) {
    const min = project.lines.filter((l) => l.essential).reduce((s, l) => s + l.amountCents, 0);
    const max = project.lines.reduce((s, l) => s + l.amountCents, 0);
    const [bucket] = await tx
      .insert(buckets)
      .values({ roundId, title: project.title, summary: project.summary, status: 'open', budgetLines: project.lines, minCents: min, maxCents: max, createdBy })
      .returning();
    if (!bucket) throw new Error('demo bucket not created');
    await tx.insert(bucketProposers).values({ bucketId: bucket.id, membershipId: createdBy, status: 'accepted' });
  }
}

/**
 * On first start, a demo cooperative with one person per role, a round open for funding
 * (€430 each) and, in a second organisation, the real projects of Toulouse's 2019 budget.
 * On every start, a fresh sign-in link for the demo admin.
 */
export async function seedDemo({ db, publicUrl, now }: { db: Db; publicUrl: string; now: () => Date }) {
  return db.transaction(async (tx) => {
    let [org] = await tx.select().from(organisations).where(eq(organisations.slug, DEMO_SLUG));
    if (!org) {
      [org] = await tx
        .insert(organisations)
        .values({ name: 'Coopérative Demo', slug: DEMO_SLUG, currency: 'EUR', locale: 'fr', timeZone: 'Europe/Paris' })
        .returning();
      if (!org) throw new Error('demo organisation not created');
      const membershipIds: Record<string, string> = {};
      for (const person of DEMO_PEOPLE) {
        const [row] = await tx.insert(people).values({ email: person.email, name: person.name }).returning();
        if (!row) throw new Error('demo person not created');
        // Every demo person is a sociétaire, staff included, so each role can try allocating.
        const membership = one(await tx.insert(memberships).values({ organisationId: org.id, personId: row.id, name: person.name, role: person.role, eligible: true }).returning(), 'membership');
        membershipIds[person.email] = membership.id;
      }
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
      await addOpenProjects(tx, round.id, membershipIds['marie@demo.cagnotte.local'] ?? '', COOP_PROJECTS);
      await openFunding(tx, round, membershipIds[DEMO_ADMIN_EMAIL] ?? null);

      const town = one(await tx
        .insert(organisations)
        .values({ name: 'Toulouse — budget participatif 2019 (démo)', slug: 'toulouse-2019', currency: 'EUR', locale: 'fr', timeZone: 'Europe/Paris' })
        .returning(), 'organisation');
      const adminPerson = one(await tx.select().from(people).where(eq(people.email, DEMO_ADMIN_EMAIL)), 'person');
      const townAdmin = one(await tx.insert(memberships).values({ organisationId: town.id, personId: adminPerson.id, name: adminPerson.name, role: 'admin' }).returning(), 'membership');
      const townRound = one(await tx
        .insert(rounds)
        .values({
          organisationId: town.id,
          title: 'Budget participatif 2019',
          description: '1 000 000 € pour les projets des habitants ; 30 projets soumis au vote.',
          currency: 'EUR',
          phase: 'funding',
          defaultAllowanceCents: euros(669),
          nearlyFundedPercent: 80,
          shortfallRule: 'board',
        })
        .returning(), 'round');
      await addOpenProjects(tx, townRound.id, townAdmin.id, toulouseProjects());
      await openFunding(tx, townRound, townAdmin.id);
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
