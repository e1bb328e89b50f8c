import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { FUNDED_STATUSES, fundingState, type LiveBoard, type LiveBucket, type LiveMe, type LiveRound } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import { allocations, buckets, memberships, participants, rounds, sessions } from '../../db/schema.ts';

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

/**
 * The round and its totals as one row `r`, computed once (MATERIALIZED: inlined, its totals'
 * subqueries would run again for every bucket row joined to it). Plain SQL run through
 * node-postgres as a named prepared statement, rows as arrays: a board of 1,000 projects is a
 * thousand rows, and drizzle's per-row mapping, like `json_agg(json_build_object(…))` (8 ms in
 * `EXPLAIN ANALYZE` for 1,000 projects, against 0.4 ms for the rows), cost more than the read.
 */
const ROUND_SQL = `WITH r AS MATERIALIZED (
  SELECT r.id, r.title, r.phase, r.kind, r.currency, o.locale, r.nearly_funded_percent, r.closes_at, r.closed_at,
    (SELECT count(*) FROM participants p WHERE p.round_id = r.id) AS participants,
    (SELECT coalesce(sum(p.allowance_cents), 0)::bigint FROM participants p WHERE p.round_id = r.id) AS allowance_cents,
    (SELECT coalesce(sum(p.allocated_cents), 0)::bigint FROM participants p WHERE p.round_id = r.id) AS allocated_cents,
    (SELECT coalesce(sum(b.funded_cents), 0)::bigint FROM buckets b
      WHERE b.round_id = r.id AND b.status IN (${FUNDED_STATUSES.map((status) => `'${status}'`).join(', ')})) AS in_funded_buckets_cents
  FROM rounds r JOIN organisations o ON o.id = r.organisation_id
  WHERE r.id = $1)`;
const ROUND_COLUMNS = ['id', 'title', 'phase', 'kind', 'currency', 'locale', 'nearly_funded_percent', 'closes_at', 'closed_at', 'participants', 'allowance_cents', 'allocated_cents', 'in_funded_buckets_cents'];

type Values = unknown[];

function roundOf(values: Values, at: number): RoundRow {
  const v = (i: number) => values[at + i];
  return {
    roundId: v(0) as string,
    title: v(1) as string,
    phase: v(2) as LiveRound['phase'],
    kind: v(3) as LiveRound['kind'],
    currency: v(4) as string,
    locale: v(5) as LiveRound['locale'],
    nearlyFundedPercent: v(6) as number,
    closesAt: v(7) as Date | null,
    closedAt: v(8) as Date | null,
    participants: v(9) as number,
    allowanceCents: v(10) as number,
    allocatedCents: v(11) as number,
    inFundedBucketsCents: v(12) as number,
  };
}

/** Rows as arrays, through a statement prepared once per connection under `name`. */
async function arrayRows(db: Db, name: string, text: string, values: unknown[]): Promise<Values[]> {
  const result = await db.$client.query<Values>({ name, text, values, rowMode: 'array' });
  return result.rows;
}

/** The round and its totals, in one statement. */
export async function readRound(db: Db, roundId: string): Promise<LiveRound | undefined> {
  const [row] = await arrayRows(db, 'live_round', `${ROUND_SQL} SELECT * FROM r`, [roundId]);
  return row ? toLiveRound(roundOf(row, 0)) : undefined;
}

/**
 * The board: each visible bucket in the board's order, the round's columns on the first row only
 * (a round without buckets is one row of them with no bucket).
 */
export const BOARD_SQL = `${ROUND_SQL}
SELECT b.id, b.title, b.status, b.funded_cents, b.min_cents, b.max_cents, b.contributors, b.funding_version,
  ${ROUND_COLUMNS.map((column) => `CASE WHEN coalesce(b.n, 1) = 1 THEN r.${column} END`).join(', ')}
FROM r LEFT JOIN LATERAL (
  SELECT b.id, b.title, b.status, b.funded_cents, b.min_cents, b.max_cents, b.contributors, b.funding_version,
    row_number() OVER (ORDER BY b.created_at, b.id) AS n
  FROM buckets b WHERE b.round_id = r.id AND b.status <> 'draft'
) b ON true
ORDER BY b.n`;

/**
 * The round, its totals and its buckets as of one instant: one statement, so one snapshot, and
 * the totals always add up to the buckets shown, even under allocation load. One round trip.
 */
export async function readBoard(db: Db, roundId: string): Promise<LiveBoard | undefined> {
  const rows = await arrayRows(db, 'live_board', BOARD_SQL, [roundId]);
  const [first] = rows;
  if (!first) return undefined;
  const round = toLiveRound(roundOf(first, 8));
  if (first[0] === null) return { round, buckets: [] };
  const percent = round.nearlyFundedPercent;
  const buckets = rows.map((values) =>
    toLiveBucket({
      bucketId: values[0] as string,
      title: values[1] as string,
      status: values[2] as LiveBucket['status'],
      fundedCents: values[3] as number,
      minCents: values[4] as number,
      maxCents: values[5] as number,
      contributors: values[6] as number,
      fundingVersion: values[7] as number,
    }, percent),
  );
  return { round, buckets };
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
