import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { conflict } from '../../domain/errors.ts';
import { holdsAllowanceSql } from './holders.ts';
import { lockRoundExclusive, lockRoundShared } from './locks.ts';

type RoundRef = { id: string; organisationId: string };

/** The reason of the grant that gives a participant their first allowance (exports translate it). */
export const INITIAL_ALLOWANCE = 'initial allowance';

async function rows<T>(tx: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = await tx.execute(query);
  return result.rows as T[];
}

/**
 * Creates the participants of a round (the members who hold an allowance there, see
 * `holdsAllowanceSql`, or those of them named) with their initial allowance — the override if
 * an admin set one, else the round's default — as `grant` rows. A member whose allowance would
 * be 0 (an override of 0, a round without default) gets no participant: they hold nothing, and
 * appear in no export. Members who already participate are left as they are, so it is safe to
 * repeat.
 */
async function grantInitialAllowances(tx: Executor, roundId: string, enteredBy: string | null, membershipIds?: string[]): Promise<string[]> {
  const only = membershipIds ? sql`AND m.id = ANY(${sql.param(membershipIds)}::uuid[])` : sql``;
  const created = await rows<{ membership_id: string }>(tx, sql`
    WITH targets AS (
      SELECT m.id AS membership_id, COALESCE(o.amount_cents, r.default_allowance_cents) AS amount
      FROM rounds r
      JOIN memberships m ON m.organisation_id = r.organisation_id AND ${holdsAllowanceSql('m', 'r')}
      LEFT JOIN allowance_overrides o ON o.round_id = r.id AND o.membership_id = m.id
      WHERE r.id = ${roundId} ${only}
    ), inserted AS (
      INSERT INTO participants (round_id, membership_id, allowance_cents, version)
      SELECT ${roundId}, membership_id, amount, 1 FROM targets WHERE amount > 0
      ON CONFLICT (round_id, membership_id) DO NOTHING
      RETURNING id, membership_id, allowance_cents
    ), granted AS (
      INSERT INTO ledger (round_id, participant_id, kind, delta_cents, entered_by, reason)
      SELECT ${roundId}, id, 'grant', allowance_cents, ${enteredBy}, ${INITIAL_ALLOWANCE}
      FROM inserted
    )
    SELECT membership_id FROM inserted`);
  return created.map((r) => r.membership_id);
}

/** When a round enters funding: every member who holds an allowance there gets it. */
export async function openFunding(
  tx: Executor,
  round: { id: string; organisationId: string; defaultAllowanceCents: number },
  enteredBy: string | null,
): Promise<{ membershipIds: string[] }> {
  await lockRoundExclusive(tx, round.id);
  return { membershipIds: await grantInitialAllowances(tx, round.id, enteredBy) };
}

/**
 * Members added (or reactivated, or made holders) while rounds of their organisation are
 * funding get their allowance there too, if they hold one there.
 */
export async function welcomeToFundingRounds(
  tx: Executor,
  input: { organisationId: string; membershipIds: string[]; enteredBy: string | null },
): Promise<{ roundIds: string[] }> {
  if (input.membershipIds.length === 0) return { roundIds: [] };
  const funding = await rows<{ id: string }>(tx, sql`
    SELECT id FROM rounds WHERE organisation_id = ${input.organisationId} AND phase = 'funding' ORDER BY id`);
  for (const round of funding) {
    await lockRoundShared(tx, round.id);
    await grantInitialAllowances(tx, round.id, input.enteredBy, input.membershipIds);
  }
  return { roundIds: funding.map((r) => r.id) };
}

async function participantFor(tx: Executor, roundId: string, membershipId: string): Promise<string> {
  const [row] = await rows<{ id: string }>(tx, sql`
    INSERT INTO participants (round_id, membership_id) VALUES (${roundId}, ${membershipId})
    ON CONFLICT (round_id, membership_id) DO UPDATE SET round_id = EXCLUDED.round_id
    RETURNING id`);
  if (!row) throw new Error('participant upsert returned nothing');
  return row.id;
}

/**
 * Changes one member's allowance by `deltaCents` (a top-up, a correction) with a `grant` row.
 * The allowance may never drop below what the member already allocated.
 */
export async function grant(
  tx: Executor,
  input: { round: RoundRef; membershipId: string; deltaCents: number; enteredBy: string | null; reason: string },
): Promise<void> {
  if (input.deltaCents === 0) return;
  const participantId = await participantFor(tx, input.round.id, input.membershipId);
  const [updated] = await rows<{ id: string }>(tx, sql`
    UPDATE participants SET allowance_cents = allowance_cents + ${input.deltaCents}, version = version + 1
    WHERE id = ${participantId} AND allowance_cents + ${input.deltaCents} >= allocated_cents
    RETURNING id`);
  if (!updated) {
    const [current] = await rows<{ allowance_cents: number; allocated_cents: number }>(tx, sql`
      SELECT allowance_cents, allocated_cents FROM participants WHERE id = ${participantId}`);
    throw conflict('allowance_below_allocated', 'The allowance cannot drop below what this member already allocated.', {
      allowanceCents: current?.allowance_cents,
      allocatedCents: current?.allocated_cents,
    });
  }
  await tx.execute(sql`
    INSERT INTO ledger (round_id, participant_id, kind, delta_cents, entered_by, reason)
    VALUES (${input.round.id}, ${participantId}, 'grant', ${input.deltaCents}, ${input.enteredBy}, ${input.reason})`);
}

/** Sets one member's allowance to an absolute amount: a grant of the difference (0 for a member who holds none: nothing). */
export async function setAllowance(
  tx: Executor,
  input: { round: RoundRef; membershipId: string; amountCents: number; enteredBy: string; reason: string },
): Promise<void> {
  if (input.amountCents === 0) {
    // Nothing to take back from a member who holds nothing: no participant row for them.
    const [held] = await rows<{ id: string }>(tx, sql`
      SELECT id FROM participants WHERE round_id = ${input.round.id} AND membership_id = ${input.membershipId}`);
    if (!held) return;
  }
  const participantId = await participantFor(tx, input.round.id, input.membershipId);
  const [current] = await rows<{ allowance_cents: number }>(tx, sql`
    SELECT allowance_cents FROM participants WHERE id = ${participantId} FOR UPDATE`);
  await grant(tx, { ...input, deltaCents: input.amountCents - (current?.allowance_cents ?? 0) });
}

export type Returned = { membershipIds: string[]; returnedCents: number };

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
  const returned = await rows<{ membership_id: string; amount: number }>(tx, sql`
    WITH returned AS (
      UPDATE allocations SET amount_cents = 0, updated_at = now()
      WHERE bucket_id = ${input.bucketId} AND amount_cents > 0
      RETURNING participant_id, old.amount_cents AS amount
    ), members AS (
      UPDATE participants p SET allocated_cents = p.allocated_cents - r.amount, version = p.version + 1
      FROM returned r WHERE p.id = r.participant_id
      RETURNING p.id, p.membership_id
    ), logged AS (
      INSERT INTO ledger (round_id, participant_id, bucket_id, kind, delta_cents, entered_by, reason)
      SELECT ${input.roundId}, participant_id, ${input.bucketId}, 'return', -amount, ${input.enteredBy}, ${input.reason}
      FROM returned
    )
    SELECT m.membership_id, r.amount FROM returned r JOIN members m ON m.id = r.participant_id`);
  const returnedCents = returned.reduce((sum, r) => sum + r.amount, 0);
  await tx.execute(sql`
    UPDATE buckets SET funded_cents = funded_cents - ${returnedCents}, contributors = 0,
      funding_version = funding_version + 1, updated_at = now()
    WHERE id = ${input.bucketId}`);
  return { membershipIds: returned.map((r) => r.membership_id), returnedCents };
}

/**
 * Sends all of one member's allocations in a round back to them (an admin's decision, for
 * instance for a member who left). Returns the buckets that lost money. With `onlyUncommitted`
 * (permanent rounds), money in a project that is no longer open or that reached its minimum
 * stays: it is committed (invariant 3).
 */
export async function returnParticipantAllocations(
  tx: Executor,
  input: { roundId: string; membershipId: string; enteredBy: string | null; reason: string; onlyUncommitted?: boolean },
): Promise<{ bucketIds: string[]; returnedCents: number }> {
  await lockRoundExclusive(tx, input.roundId);
  const uncommitted = input.onlyUncommitted
    ? sql`AND EXISTS (SELECT 1 FROM buckets b WHERE b.id = a.bucket_id AND b.status = 'open' AND b.funded_cents < b.min_cents)`
    : sql``;
  const returned = await rows<{ bucket_id: string; amount: number }>(tx, sql`
    WITH target AS (
      SELECT id FROM participants WHERE round_id = ${input.roundId} AND membership_id = ${input.membershipId}
    ), returned AS (
      UPDATE allocations a SET amount_cents = 0, updated_at = now()
      FROM target WHERE a.participant_id = target.id AND a.amount_cents > 0 ${uncommitted}
      RETURNING a.participant_id, a.bucket_id, old.amount_cents AS amount
    ), bucket_totals AS (
      UPDATE buckets b SET funded_cents = b.funded_cents - r.amount, contributors = b.contributors - 1,
        funding_version = b.funding_version + 1, updated_at = now()
      FROM returned r WHERE b.id = r.bucket_id
    ), logged AS (
      INSERT INTO ledger (round_id, participant_id, bucket_id, kind, delta_cents, entered_by, reason)
      SELECT ${input.roundId}, participant_id, bucket_id, 'return', -amount, ${input.enteredBy}, ${input.reason}
      FROM returned
    )
    SELECT bucket_id, amount FROM returned`);
  const returnedCents = returned.reduce((sum, r) => sum + r.amount, 0);
  if (returnedCents > 0) {
    await tx.execute(sql`
      UPDATE participants SET allocated_cents = allocated_cents - ${returnedCents}, version = version + 1
      WHERE round_id = ${input.roundId} AND membership_id = ${input.membershipId}`);
  }
  return { bucketIds: returned.map((r) => r.bucket_id), returnedCents };
}

/**
 * Adds the same positive amount to many members' allowances at once (a yearly top-up): two
 * set-based statements whatever the number of members. A raise can never break
 * allocated ≤ allowance, so no member can refuse it.
 */
export async function grantToMany(
  tx: Executor,
  input: { round: RoundRef; membershipIds: string[]; deltaCents: number; enteredBy: string | null; reason: string },
): Promise<void> {
  if (input.deltaCents <= 0) throw new Error('grantToMany only raises allowances; lower one with grant()');
  if (input.membershipIds.length === 0) return;
  const ids = sql.param(input.membershipIds);
  await tx.execute(sql`
    INSERT INTO participants (round_id, membership_id)
    SELECT ${input.round.id}, unnest(${ids}::uuid[])
    ON CONFLICT (round_id, membership_id) DO NOTHING`);
  await tx.execute(sql`
    WITH raised AS (
      UPDATE participants SET allowance_cents = allowance_cents + ${input.deltaCents}, version = version + 1
      WHERE round_id = ${input.round.id} AND membership_id = ANY(${ids}::uuid[])
      RETURNING id
    )
    INSERT INTO ledger (round_id, participant_id, kind, delta_cents, entered_by, reason)
    SELECT ${input.round.id}, id, 'grant', ${input.deltaCents}, ${input.enteredBy}, ${input.reason} FROM raised`);
}

export type NewAllocation = { membershipId: string; bucketId: string; amountCents: number };

/**
 * Many members' first allocations in one round at once (replayed ballots, a seeded demo), each
 * entered by the member: set-based statements writing the same rows as cagnotte_allocate() —
 * allocation, `allocate` ledger row, participant and bucket totals — whatever their number.
 * Under the round's exclusive lock, and only while the round is funding and the bucket open;
 * the database's constraints refuse an overspent allowance or an overfilled bucket, so the
 * whole batch goes in or none of it (throws). For members who hold no allocation there yet.
 */
export async function allocateMany(tx: Executor, input: { roundId: string; allocations: readonly NewAllocation[] }): Promise<void> {
  const wanted = input.allocations.filter((a) => a.amountCents > 0);
  if (wanted.length === 0) return;
  await lockRoundExclusive(tx, input.roundId);
  const [done] = await rows<{ count: number }>(tx, sql`
    WITH wanted AS (
      SELECT * FROM unnest(${sql.param(wanted.map((a) => a.bucketId))}::uuid[], ${sql.param(wanted.map((a) => a.membershipId))}::uuid[],
        ${sql.param(wanted.map((a) => a.amountCents))}::bigint[]) AS w(bucket_id, membership_id, amount)
    ), allowed AS (
      SELECT p.id AS participant_id, w.membership_id, w.bucket_id, w.amount
      FROM wanted w
      JOIN rounds r ON r.id = ${input.roundId} AND r.phase = 'funding' AND (r.per_bucket_cap_cents IS NULL OR w.amount <= r.per_bucket_cap_cents)
      JOIN participants p ON p.round_id = r.id AND p.membership_id = w.membership_id
      JOIN memberships m ON m.id = p.membership_id AND m.active
      JOIN buckets b ON b.id = w.bucket_id AND b.round_id = r.id AND b.status = 'open'
    ), inserted AS (
      INSERT INTO allocations (participant_id, bucket_id, amount_cents)
      SELECT participant_id, bucket_id, amount FROM allowed
      RETURNING participant_id, bucket_id, amount_cents
    ), logged AS (
      INSERT INTO ledger (round_id, participant_id, bucket_id, kind, delta_cents, entered_by)
      SELECT ${input.roundId}, a.participant_id, a.bucket_id, 'allocate', a.amount, a.membership_id FROM allowed a
    ), members AS (
      UPDATE participants p SET allocated_cents = p.allocated_cents + s.total, version = p.version + 1
      FROM (SELECT participant_id, SUM(amount_cents) AS total FROM inserted GROUP BY participant_id) s
      WHERE p.id = s.participant_id
    ), projects AS (
      UPDATE buckets b SET funded_cents = b.funded_cents + s.total, contributors = b.contributors + s.holders,
        funding_version = b.funding_version + 1, updated_at = now()
      FROM (SELECT bucket_id, SUM(amount_cents) AS total, COUNT(*)::int AS holders FROM inserted GROUP BY bucket_id) s
      WHERE b.id = s.bucket_id
    )
    SELECT COUNT(*)::int AS count FROM inserted`);
  if (done?.count !== wanted.length) {
    throw conflict('allocations_refused', `${wanted.length - (done?.count ?? 0)} of these allocations are not allowed (round not funding, bucket not open, no allowance or over the cap).`);
  }
}
