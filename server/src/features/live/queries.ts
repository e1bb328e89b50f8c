import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { FUNDED_STATUSES, fundingState, type LiveBoard, type LiveBucket, type LiveMe, type LiveRound } from '@cagnotte/shared';
import type { Db, Executor } from '../../db/client.ts';
import { allocations, buckets, memberships, organisations, participants, rounds, sessions, voteBallots } from '../../db/schema.ts';

const bucketColumns = {
  bucketId: buckets.id,
  title: buckets.title,
  status: buckets.status,
  fundedCents: buckets.fundedCents,
  minCents: buckets.minCents,
  maxCents: buckets.maxCents,
  contributors: buckets.contributors,
  fundingVersion: buckets.fundingVersion,
};

type BucketRow = { [K in keyof typeof bucketColumns]: (typeof buckets.$inferSelect)[K extends 'bucketId' ? 'id' : K] };

/** Drafts belong to their proposers: never on the board. */
export const isVisible = (status: LiveBucket['status']) => status !== 'draft';

export function toLiveBucket(row: BucketRow, nearlyFundedPercent: number): LiveBucket {
  const { bucketId, title, status, fundingVersion, fundedCents, minCents, maxCents, contributors } = row;
  return { bucketId, title, status, fundingVersion, ...fundingState({ fundedCents, minCents, maxCents, contributors }, nearlyFundedPercent) };
}

const sum = (expression: ReturnType<typeof sql>) => sql<number>`(${expression})`.mapWith(Number);

const roundFields = {
  roundId: rounds.id,
  title: rounds.title,
  phase: rounds.phase,
  kind: rounds.kind,
  currency: rounds.currency,
  locale: organisations.locale,
  nearlyFundedPercent: rounds.nearlyFundedPercent,
  closesAt: rounds.closesAt,
  closedAt: rounds.closedAt,
  participants: sum(sql`select count(*) from ${participants} where ${participants.roundId} = ${rounds.id}`),
  allowanceCents: sum(sql`select coalesce(sum(${participants.allowanceCents}), 0)::bigint from ${participants} where ${participants.roundId} = ${rounds.id}`),
  allocatedCents: sum(sql`select coalesce(sum(${participants.allocatedCents}), 0)::bigint from ${participants} where ${participants.roundId} = ${rounds.id}`),
  inFundedBucketsCents: sum(sql`select coalesce(sum(${buckets.fundedCents}), 0)::bigint from ${buckets} where ${buckets.roundId} = ${rounds.id} and ${inArray(buckets.status, [...FUNDED_STATUSES])}`),
  // Inside CASE, the count runs for vote rounds only: an allowance round's read costs nothing more.
  ballots: sql<number | null>`(case when ${rounds.kind} = 'vote' then (select count(*) from ${voteBallots} where ${voteBallots.roundId} = ${rounds.id} and ${voteBallots.choices} <> '{}'::jsonb) end)`.mapWith(Number),
};

type RoundRow = Omit<LiveRound, 'closesAt' | 'closedAt' | 'totals'> & LiveRound['totals'] & { closesAt: Date | null; closedAt: Date | null };

function toLiveRound(row: RoundRow): LiveRound {
  const { participants: count, allowanceCents, allocatedCents, inFundedBucketsCents, closesAt, closedAt, ...round } = row;
  return {
    ...round,
    closesAt: closesAt?.toISOString() ?? null,
    closedAt: closedAt?.toISOString() ?? null,
    totals: { participants: count, allowanceCents, allocatedCents, inFundedBucketsCents },
  };
}

/** The round and its totals, in one statement. */
export async function readRound(db: Executor, roundId: string): Promise<LiveRound | undefined> {
  const [row] = await db
    .select(roundFields)
    .from(rounds)
    .innerJoin(organisations, eq(organisations.id, rounds.organisationId))
    .where(eq(rounds.id, roundId));
  return row ? toLiveRound(row) : undefined;
}

/** The board's buckets as one JSON array, in the board's order (int8 columns become JSON numbers). */
const boardBuckets = sql<BucketRow[]>`(select coalesce(json_agg(json_build_object(
    'bucketId', b.id, 'title', b.title, 'status', b.status, 'fundedCents', b.funded_cents, 'minCents', b.min_cents,
    'maxCents', b.max_cents, 'contributors', b.contributors, 'fundingVersion', b.funding_version) order by b.created_at, b.id), '[]'::json)
  from ${buckets} b where b.round_id = ${rounds.id} and b.status <> 'draft')`;

const boardQueries = new WeakMap<Db, ReturnType<typeof prepareBoard>>();
function prepareBoard(db: Db) {
  return db
    .select({ ...roundFields, buckets: boardBuckets })
    .from(rounds)
    .innerJoin(organisations, eq(organisations.id, rounds.organisationId))
    .where(eq(rounds.id, sql.placeholder('roundId')))
    .prepare('live_board');
}

/**
 * The round, its totals and its buckets as of one instant: one statement, so one snapshot, and
 * the totals always add up to the buckets shown, even under allocation load. One round trip
 * (it was a REPEATABLE READ transaction of two reads: four), prepared once per database handle.
 */
export async function readBoard(db: Db, roundId: string): Promise<LiveBoard | undefined> {
  let query = boardQueries.get(db);
  if (!query) boardQueries.set(db, (query = prepareBoard(db)));
  const [row] = await query.execute({ roundId });
  if (!row) return undefined;
  const { buckets: rows, ...roundRow } = row;
  const round = toLiveRound(roundRow);
  return { round, buckets: rows.map((bucket) => toLiveBucket(bucket, round.nearlyFundedPercent)) };
}

/**
 * The current rows of some buckets of one round, with the round's threshold, in one statement.
 * Scoped to the round, so an id from elsewhere can never leak into its frame.
 */
export async function readBuckets(db: Db, roundId: string, bucketIds: string[] | 'all'): Promise<{ rows: BucketRow[]; nearlyFundedPercent: number }> {
  const rows = await db
    .select({ ...bucketColumns, nearlyFundedPercent: rounds.nearlyFundedPercent })
    .from(buckets)
    .innerJoin(rounds, eq(rounds.id, buckets.roundId))
    .where(bucketIds === 'all' ? eq(buckets.roundId, roundId) : and(eq(buckets.roundId, roundId), inArray(buckets.id, bucketIds)));
  return { rows, nearlyFundedPercent: rows[0]?.nearlyFundedPercent ?? 80 };
}

/** The `me` message of each member (zeros for one not taking part), in one statement. */
export async function readMe(db: Db, roundId: string, membershipIds: string[]): Promise<Map<string, LiveMe>> {
  const rows = await db
    .select({
      membershipId: participants.membershipId,
      allowanceCents: participants.allowanceCents,
      allocatedCents: participants.allocatedCents,
      remainingCents: participants.remainingCents,
      version: participants.version,
      allocations: sql<{ bucketId: string; amountCents: number }[]>`coalesce((
        select json_agg(json_build_object('bucketId', ${allocations.bucketId}, 'amountCents', ${allocations.amountCents}) order by ${allocations.bucketId})
        from ${allocations} where ${allocations.participantId} = ${participants.id} and ${allocations.amountCents} > 0), '[]'::json)`,
    })
    .from(participants)
    .where(and(eq(participants.roundId, roundId), inArray(participants.membershipId, membershipIds)));
  const found = new Map(rows.map((row) => [row.membershipId, row]));
  return new Map(
    membershipIds.map((membershipId) => {
      const row = found.get(membershipId);
      const me: LiveMe = row
        ? {
            type: 'me',
            roundId,
            allowanceCents: row.allowanceCents,
            allocatedCents: row.allocatedCents,
            remainingCents: row.remainingCents,
            allocations: row.allocations,
            version: row.version,
          }
        : { type: 'me', roundId, allowanceCents: 0, allocatedCents: 0, remainingCents: 0, allocations: [], version: 0 };
      return [membershipId, me];
    }),
  );
}

/** For the sweep: what each followed round's buckets, phase and members look like now. */
export async function readVersions(db: Db, roundIds: string[], membershipIds: string[]) {
  const [bucketRows, roundRows, memberRows] = await Promise.all([
    db.select({ bucketId: buckets.id, roundId: buckets.roundId, fundingVersion: buckets.fundingVersion, status: buckets.status }).from(buckets).where(inArray(buckets.roundId, roundIds)),
    db.select({ roundId: rounds.id, phase: rounds.phase }).from(rounds).where(inArray(rounds.id, roundIds)),
    membershipIds.length > 0
      ? db
          .select({ roundId: participants.roundId, membershipId: participants.membershipId, version: participants.version })
          .from(participants)
          .where(and(inArray(participants.roundId, roundIds), inArray(participants.membershipId, membershipIds)))
      : Promise.resolve([]),
  ]);
  return { bucketRows, roundRows, memberRows };
}

/** Sessions that ended (sign-out, revoked link, expiry, deleted) and memberships deactivated since their sockets opened. */
export async function readEnded(db: Db, sessionIds: string[], membershipIds: string[], now: Date) {
  const [alive, inactive] = await Promise.all([
    sessionIds.length > 0
      ? db.select({ id: sessions.id }).from(sessions).where(and(inArray(sessions.id, sessionIds), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
      : Promise.resolve([]),
    membershipIds.length > 0
      ? db.select({ id: memberships.id }).from(memberships).where(and(inArray(memberships.id, membershipIds), eq(memberships.active, false)))
      : Promise.resolve([]),
  ]);
  const aliveIds = new Set(alive.map((r) => r.id));
  return { sessionIds: new Set(sessionIds.filter((id) => !aliveIds.has(id))), membershipIds: new Set(inactive.map((r) => r.id)) };
}
