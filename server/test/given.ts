import { randomBytes } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import { budgetTotals, type Role } from '@cagnotte/shared';
import type { AppConfig } from '../src/config.ts';
import type { Db } from '../src/db/client.ts';
import { buckets, bucketProposers, criteria, memberships, organisations, people, rounds, sessions, type BudgetLine } from '../src/db/schema.ts';
import { signSessionToken } from '../src/security/session-token.ts';
import { openFunding } from '../src/features/ledger/index.ts';

export type Member = { personId: string; membershipId: string; organisationId: string; email: string; name: string; role: Role; token: string };

const unique = () => randomBytes(4).toString('hex');

/**
 * Builders with defaults: each test creates what it needs through them, so no test depends on
 * rows another one made.
 */
export function makeGiven({ db, config, now }: { db: Db; config: AppConfig; now: () => Date }) {
  async function tokenFor(personId: string): Promise<string> {
    const expiresAt = new Date(now().getTime() + 86_400_000);
    const [session] = await db.insert(sessions).values({ kind: 'member', personId, expiresAt }).returning();
    if (!session) throw new Error('no session');
    return signSessionToken(config.sessionSecret, { sid: session.id, sub: personId }, expiresAt);
  }

  const given = {
    async org(values: Partial<typeof organisations.$inferInsert> = {}) {
      const suffix = unique();
      const [org] = await db
        .insert(organisations)
        .values({ name: `Coop ${suffix}`, slug: `coop-${suffix}`, currency: 'EUR', locale: 'fr', timeZone: 'Europe/Paris', ...values })
        .returning();
      if (!org) throw new Error('no org');
      return org;
    },

    /**
     * A person with an active membership and a signed-in session; `eligible` marks them as
     * holding an allowance (staff need it to hold one; see `holdsAllowance`).
     */
    async member(options: { organisationId?: string; role?: Role; name?: string; email?: string; eligible?: boolean } = {}): Promise<Member> {
      const organisationId = options.organisationId ?? (await given.org()).id;
      const suffix = unique();
      const email = options.email ?? `member-${suffix}@example.org`;
      const name = options.name ?? `Member ${suffix}`;
      const [existing] = await db.select().from(people).where(eq(people.email, email));
      const person = existing ?? (await db.insert(people).values({ email, name }).returning())[0];
      if (!person) throw new Error('no person');
      const role = options.role ?? 'member';
      const [membership] = await db.insert(memberships).values({ organisationId, personId: person.id, name, role, eligible: options.eligible ?? false }).returning();
      if (!membership) throw new Error('no membership');
      return { personId: person.id, membershipId: membership.id, organisationId, email, name, role, token: await tokenFor(person.id) };
    },

    /** An admin who is also an eligible member: they hold an allowance, as a cooperative's treasurer who votes would. */
    admin: (organisationId?: string) => given.member({ organisationId, role: 'admin', eligible: true }),

    /** Headers of a script calling with its bearer token. */
    authFor: (member: { token: string }) => ({ authorization: `Bearer ${member.token}` }),

    async round(organisationId: string, values: Partial<typeof rounds.$inferInsert> = {}) {
      const [round] = await db
        .insert(rounds)
        .values({ organisationId, title: `Round ${unique()}`, currency: 'EUR', phase: 'proposals', defaultAllowanceCents: 43_000, ...values })
        .returning();
      if (!round) throw new Error('no round');
      return round;
    },

    /** A bucket with one essential and one optional line, proposed by `proposer`. */
    async bucket(roundId: string, proposer: Member, values: Partial<typeof buckets.$inferInsert> & { lines?: BudgetLine[] } = {}) {
      const lines = values.lines ?? [
        { label: 'Materials', amountCents: 100_000, essential: true },
        { label: 'Nice to have', amountCents: 50_000, essential: false },
      ];
      const { minCents, maxCents } = budgetTotals(lines);
      const [bucket] = await db
        .insert(buckets)
        .values({ roundId, title: `Project ${unique()}`, status: 'draft', budgetLines: lines, minCents, maxCents, createdBy: proposer.membershipId, ...values })
        .returning();
      if (!bucket) throw new Error('no bucket');
      await db.insert(bucketProposers).values({ bucketId: bucket.id, membershipId: proposer.membershipId, status: 'accepted' });
      return bucket;
    },

    /** A criterion of the round's appraisal grid, placed after the existing ones. */
    async criterion(roundId: string, values: Partial<typeof criteria.$inferInsert> = {}) {
      const [last] = await db.select({ position: criteria.position }).from(criteria).where(eq(criteria.roundId, roundId)).orderBy(desc(criteria.position)).limit(1);
      const [criterion] = await db
        .insert(criteria)
        .values({ roundId, title: `Criterion ${unique()}`, position: (last?.position ?? 0) + 1, ...values })
        .returning();
      if (!criterion) throw new Error('no criterion');
      return criterion;
    },

    /**
     * A round in funding with `members` members holding the round's allowance and `buckets`
     * open buckets (each min 1,000.00, max 1,500.00 unless `lines` say otherwise).
     */
    async fundingRound(options: { members?: number; buckets?: number; round?: Partial<typeof rounds.$inferInsert>; lines?: BudgetLine[] } = {}) {
      const admin = await given.admin();
      const round = await given.round(admin.organisationId, { phase: 'funding', ...options.round });
      const members = [];
      for (let i = 0; i < (options.members ?? 3); i++) members.push(await given.member({ organisationId: admin.organisationId }));
      const opened = [];
      for (let i = 0; i < (options.buckets ?? 1); i++) opened.push(await given.bucket(round.id, admin, { status: 'open', lines: options.lines }));
      await db.transaction((tx) => openFunding(tx, round, admin.membershipId));
      return { admin, round, members, buckets: opened };
    },
  };
  return given;
}

export type Given = ReturnType<typeof makeGiven>;
