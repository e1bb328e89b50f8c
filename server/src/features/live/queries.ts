import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { FUNDED_STATUSES, fundingState, type LiveBoard, type LiveBucket, type LiveMe, type LiveRound } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import { allocations, buckets, memberships, participants, rounds, sessions } from '../../db/schema.ts';

type BucketRow = Pick<typeof buckets.$inferSelect, 'title' | 'status' | 'fundedCents' | 'minCents' | 'maxCents' | 'contributors' | 'fundingVersion'> & { bucketId: string };

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
      WHERE b.round_id = r.id AND b.status IN (${FUNDED_STATUSES.map((status) => `'${status}'`).join(', ')})) AS in_funded_buckets_cents,
    -- Inside CASE, the turnout is read for vote rounds only: an allowance round's read costs nothing more.
    -- vote_turnout keeps it in 16 rows per round (a trigger on vote_ballots), not one per ballot.
    CASE WHEN r.kind = 'vote' THEN (SELECT coalesce(sum(v.ballots), 0)::bigint FROM vote_turnout v WHERE v.round_id = r.id) END AS ballots
  FROM rounds r JOIN organisations o ON o.id = r.organisation_id
  WHERE r.id = $1)`;
const ROUND_COLUMNS = ['id', 'title', 'phase', 'kind', 'currency', 'locale', 'nearly_funded_percent', 'closes_at', 'closed_at', 'participants', 'allowance_cents', 'allocated_cents', 'in_funded_buckets_cents', 'ballots'];

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
    ballots: v(13) === null ? null : Number(v(13)),
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

const frameBuckets = sql<BucketRow[] | null>`(select json_agg(json_build_object(
    'bucketId', b.id, 'title', b.title, 'status', b.status, 'fundedCents', b.funded_cents, 'minCents', b.min_cents,
    'maxCents', b.max_cents, 'contributors', b.contributors, 'fundingVersion', b.funding_version))
  from ${buckets} b where b.round_id = ${rounds}.id
    and (${sql.placeholder('allBuckets')}::boolean or b.id = any(${sql.placeholder('bucketIds')}::uuid[])))`;

type MeRow = Omit<LiveMe, 'type' | 'roundId'> & { membershipId: string };
const frameMes = sql<MeRow[] | null>`(select json_agg(json_build_object(
    'membershipId', p.membership_id, 'allowanceCents', p.allowance_cents, 'allocatedCents', p.allocated_cents,
    'remainingCents', p.remaining_cents, 'version', p.version, 'allocations', coalesce((
      select json_agg(json_build_object('bucketId', a.bucket_id, 'amountCents', a.amount_cents) order by a.bucket_id)
      from ${allocations} a where a.participant_id = p.id and a.amount_cents > 0), '[]'::json)))
  from ${participants} p where p.round_id = ${rounds}.id and p.membership_id = any(${sql.placeholder('membershipIds')}::uuid[]))`;

// `${rounds}.id`, not `${rounds.id}`: drizzle leaves a column unqualified in a one-table select,
// and inside these subqueries a bare "id" would be the bucket's or the participant's.
const frameQueries = new WeakMap<Db, ReturnType<typeof prepareFrame>>();
function prepareFrame(db: Db) {
  return db
    .select({ nearlyFundedPercent: rounds.nearlyFundedPercent, buckets: frameBuckets, mes: frameMes })
    .from(rounds)
    .where(eq(rounds.id, sql.placeholder('roundId')))
    .prepare('live_frame');
}

export type FrameRead = { nearlyFundedPercent: number; buckets: BucketRow[]; mes: Map<string, LiveMe> };

/**
 * What a frame of one round needs, in one statement (one round trip, however many sockets and
 * members): the current rows of some buckets (or all, drafts included, so that a bucket gone
 * back to draft can be removed), scoped to the round so that an id from elsewhere never leaks
 * into its frame; the `me` of each member (zeros for one not taking part); the round's
 * threshold. Undefined when the round is gone. Prepared once per database handle.
 */
export async function readFrame(db: Db, roundId: string, wanted: { bucketIds: string[] | 'all'; membershipIds: string[] }): Promise<FrameRead | undefined> {
  let query = frameQueries.get(db);
  if (!query) frameQueries.set(db, (query = prepareFrame(db)));
  const all = wanted.bucketIds === 'all';
  const [row] = await query.execute({ roundId, allBuckets: all, bucketIds: all ? [] : wanted.bucketIds, membershipIds: wanted.membershipIds });
  if (!row) return undefined;
  const found = new Map((row.mes ?? []).map((me) => [me.membershipId, me]));
  const mes = new Map<string, LiveMe>(
    wanted.membershipIds.map((membershipId) => {
      const me = found.get(membershipId);
      return [
        membershipId,
        me
          ? { type: 'me', roundId, allowanceCents: me.allowanceCents, allocatedCents: me.allocatedCents, remainingCents: me.remainingCents, allocations: me.allocations, version: me.version }
          : { type: 'me', roundId, allowanceCents: 0, allocatedCents: 0, remainingCents: 0, allocations: [], version: 0 },
      ];
    }),
  );
  return { nearlyFundedPercent: row.nearlyFundedPercent, buckets: row.buckets ?? [], mes };
}

/** The `me` message of each member, through the frame's statement. */
export async function readMe(db: Db, roundId: string, membershipIds: string[]): Promise<Map<string, LiveMe>> {
  return (await readFrame(db, roundId, { bucketIds: [], membershipIds }))?.mes ?? new Map();
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
