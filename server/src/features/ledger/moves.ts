import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { conflict } from '../../domain/errors.ts';
import { lockRoundExclusive } from './locks.ts';
import { rows } from './rows.ts';

type Move = { participant_id: string; membership_id: string; bucket_id: string; delta: number };

/**
 * The one shape of money moving between members and buckets, set-based. `moved` is an INSERT
 * or UPDATE on `allocations` returning, for each allocation it changed, `(participant_id,
 * bucket_id, old_cents, new_cents, entered_by)`. In the same statement each change gets its
 * ledger row of `kind` (delta = new − old), and the participants' `allocated_cents` and
 * buckets' `funded_cents` follow with their versions; contributors move by
 * cagnotte_contributors_delta(), as on the allocation path. The CHECK constraints refuse an
 * overspent allowance or an overfilled bucket: then the statement throws and nothing moved.
 */
async function applyMoves(
  tx: Executor,
  input: { roundId: string; kind: 'allocate' | 'return'; reason: string | null; moved: SQL; before?: SQL },
): Promise<Move[]> {
  return rows<Move>(tx, sql`
    WITH ${input.before ? sql`${input.before}, ` : sql``}moved AS (${input.moved}),
    logged AS (
      INSERT INTO ledger (round_id, participant_id, bucket_id, kind, delta_cents, entered_by, reason)
      SELECT ${input.roundId}::uuid, participant_id, bucket_id, ${input.kind}::ledger_kind, new_cents - old_cents, entered_by, ${input.reason}::text
      FROM moved WHERE new_cents <> old_cents
    ), members AS (
      UPDATE participants p SET allocated_cents = p.allocated_cents + s.delta, version = p.version + 1
      FROM (SELECT participant_id, SUM(new_cents - old_cents)::bigint AS delta FROM moved GROUP BY participant_id) s
      WHERE p.id = s.participant_id AND s.delta <> 0
      RETURNING p.id, p.membership_id
    ), projects AS (
      UPDATE buckets b SET funded_cents = b.funded_cents + s.delta, contributors = b.contributors + s.contributors,
        funding_version = b.funding_version + 1, updated_at = now()
      FROM (SELECT bucket_id, SUM(new_cents - old_cents)::bigint AS delta, SUM(cagnotte_contributors_delta(old_cents, new_cents))::int AS contributors
        FROM moved GROUP BY bucket_id) s
      WHERE b.id = s.bucket_id AND s.delta <> 0
    )
    SELECT m.participant_id, p.membership_id, m.bucket_id, (m.new_cents - m.old_cents)::bigint AS delta
    FROM moved m JOIN members p ON p.id = m.participant_id
    WHERE m.new_cents <> m.old_cents`);
}

export type Returned = { membershipIds: string[]; returnedCents: number };

const returnedCentsOf = (moves: Move[]) => moves.reduce((sum, m) => sum - m.delta, 0);

/**
 * Sends every allocation to a bucket back to its member as `return` rows (bucket withdrawn or
 * rejected during funding, missed minimum, board decision). Takes the round's exclusive lock,
 * so no allocation to it is in flight; the bucket ends holding nothing.
 */
export async function returnBucketAllocations(
  tx: Executor,
  input: { bucketId: string; roundId: string; enteredBy: string | null; reason: string },
): Promise<Returned> {
  await lockRoundExclusive(tx, input.roundId);
  const moves = await applyMoves(tx, {
    roundId: input.roundId,
    kind: 'return',
    reason: input.reason,
    moved: sql`
      UPDATE allocations SET amount_cents = 0, updated_at = now()
      WHERE bucket_id = ${input.bucketId} AND amount_cents > 0
      RETURNING participant_id, bucket_id, old.amount_cents AS old_cents, amount_cents AS new_cents, ${input.enteredBy}::uuid AS entered_by`,
  });
  if (moves.length === 0) {
    // Nothing to send back, but the bucket's status is about to change: live clients follow
    // funding_version, so it moves all the same.
    await tx.execute(sql`UPDATE buckets SET funding_version = funding_version + 1, updated_at = now() WHERE id = ${input.bucketId}`);
  }
  return { membershipIds: moves.map((m) => m.membership_id), returnedCents: returnedCentsOf(moves) };
}

/**
 * Sends all of one member's allocations in a round back to them (an admin's decision, for
 * instance for a member who left). Returns the buckets that lost money. Money that is
 * committed (cagnotte_money_committed(): in a permanent round, a project that is no longer
 * open or that reached its minimum) stays where it is.
 */
export async function returnParticipantAllocations(
  tx: Executor,
  input: { roundId: string; membershipId: string; enteredBy: string | null; reason: string },
): Promise<{ bucketIds: string[]; returnedCents: number }> {
  await lockRoundExclusive(tx, input.roundId);
  const moves = await applyMoves(tx, {
    roundId: input.roundId,
    kind: 'return',
    reason: input.reason,
    before: sql`target AS (
      SELECT p.id, r.kind FROM participants p JOIN rounds r ON r.id = p.round_id
      WHERE p.round_id = ${input.roundId} AND p.membership_id = ${input.membershipId}
    )`,
    moved: sql`
      UPDATE allocations a SET amount_cents = 0, updated_at = now()
      FROM target
      WHERE a.participant_id = target.id AND a.amount_cents > 0
        AND NOT EXISTS (SELECT 1 FROM buckets b WHERE b.id = a.bucket_id AND cagnotte_money_committed(target.kind, b.status, b.funded_cents, b.min_cents))
      RETURNING a.participant_id, a.bucket_id, old.amount_cents AS old_cents, a.amount_cents AS new_cents, ${input.enteredBy}::uuid AS entered_by`,
  });
  return { bucketIds: moves.map((m) => m.bucket_id), returnedCents: returnedCentsOf(moves) };
}

export type NewAllocation = { membershipId: string; bucketId: string; amountCents: number };

/**
 * Many members' first allocations in one round at once (replayed ballots, a seeded demo), each
 * entered by the member: the rows cagnotte_allocate() writes — allocation, `allocate` ledger
 * row, participant and bucket totals — in one statement whatever their number. Under the
 * round's exclusive lock, and only while the round is funding and the bucket open; the
 * database's constraints refuse an overspent allowance or an overfilled bucket, so the whole
 * batch goes in or none of it (throws). For members who hold no allocation there yet.
 */
export async function allocateMany(tx: Executor, input: { roundId: string; allocations: readonly NewAllocation[] }): Promise<void> {
  const wanted = input.allocations.filter((a) => a.amountCents > 0);
  if (wanted.length === 0) return;
  await lockRoundExclusive(tx, input.roundId);
  const moves = await applyMoves(tx, {
    roundId: input.roundId,
    kind: 'allocate',
    reason: null,
    before: sql`wanted AS (
      SELECT * FROM unnest(${sql.param(wanted.map((a) => a.bucketId))}::uuid[], ${sql.param(wanted.map((a) => a.membershipId))}::uuid[],
        ${sql.param(wanted.map((a) => a.amountCents))}::bigint[]) AS w(bucket_id, membership_id, amount)
    ), allowed AS (
      SELECT p.id AS participant_id, w.bucket_id, w.amount
      FROM wanted w
      JOIN rounds r ON r.id = ${input.roundId} AND r.phase = 'funding' AND (r.per_bucket_cap_cents IS NULL OR w.amount <= r.per_bucket_cap_cents)
      JOIN participants p ON p.round_id = r.id AND p.membership_id = w.membership_id
      JOIN memberships m ON m.id = p.membership_id AND m.active
      JOIN buckets b ON b.id = w.bucket_id AND b.round_id = r.id AND b.status = 'open'
    )`,
    moved: sql`
      INSERT INTO allocations (participant_id, bucket_id, amount_cents)
      SELECT participant_id, bucket_id, amount FROM allowed
      RETURNING participant_id, bucket_id, 0::bigint AS old_cents, amount_cents AS new_cents,
        (SELECT membership_id FROM participants p WHERE p.id = allocations.participant_id) AS entered_by`,
  });
  if (moves.length !== wanted.length) {
    throw conflict('allocations_refused', `${wanted.length - moves.length} of these allocations are not allowed (round not funding, bucket not open, no allowance or over the cap).`);
  }
}
