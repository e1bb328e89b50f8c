import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { conflict } from '../../domain/errors.ts';
import { holdsAllowanceSql } from './holders.ts';
import { lockRoundExclusive, lockRoundShared } from './locks.ts';
import { rows } from './rows.ts';

type RoundRef = { id: string; organisationId: string };

/** The reason of the grant that gives a participant their first allowance (exports translate it). */
export const INITIAL_ALLOWANCE = 'initial allowance';

/**
 * The one shape of a grant: each target — rows `(participant_id uuid, delta bigint)` — has its
 * allowance moved by its delta, its version bumped and a `grant` row written, in one statement.
 * A target whose allowance would drop below what it already allocated (remaining < 0) is left
 * as it is. Returns the participants granted.
 */
async function applyGrants(
  tx: Executor,
  input: { roundId: string; targets: SQL; enteredBy: string | null; reason: string },
): Promise<string[]> {
  const granted = await rows<{ participant_id: string }>(tx, sql`
    WITH targets AS (${input.targets}), granted AS (
      UPDATE participants p SET allowance_cents = p.allowance_cents + t.delta, version = p.version + 1
      FROM targets t
      WHERE p.id = t.participant_id AND t.delta <> 0 AND p.remaining_cents + t.delta >= 0
      RETURNING p.id, t.delta
    )
    INSERT INTO ledger (round_id, participant_id, kind, delta_cents, entered_by, reason)
    SELECT ${input.roundId}::uuid, id, 'grant', delta, ${input.enteredBy}::uuid, ${input.reason}::text FROM granted
    RETURNING participant_id`);
  return granted.map((r) => r.participant_id);
}

const eachParticipant = (participantIds: string[], deltas: number[]): SQL =>
  sql`SELECT * FROM unnest(${sql.param(participantIds)}::uuid[], ${sql.param(deltas)}::bigint[]) AS t(participant_id, delta)`;

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
  const created = await rows<{ id: string; membership_id: string; amount: number }>(tx, sql`
    WITH targets AS (
      SELECT m.id AS membership_id, COALESCE(o.amount_cents, r.default_allowance_cents) AS amount
      FROM rounds r
      JOIN memberships m ON m.organisation_id = r.organisation_id AND ${holdsAllowanceSql('m', 'r')}
      LEFT JOIN allowance_overrides o ON o.round_id = r.id AND o.membership_id = m.id
      WHERE r.id = ${roundId} ${only}
    ), inserted AS (
      INSERT INTO participants (round_id, membership_id)
      SELECT ${roundId}, membership_id FROM targets WHERE amount > 0
      ON CONFLICT (round_id, membership_id) DO NOTHING
      RETURNING id, membership_id
    )
    SELECT i.id, i.membership_id, t.amount FROM inserted i JOIN targets t USING (membership_id)`);
  if (created.length === 0) return [];
  await applyGrants(tx, {
    roundId,
    targets: eachParticipant(created.map((c) => c.id), created.map((c) => c.amount)),
    enteredBy,
    reason: INITIAL_ALLOWANCE,
  });
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
  const granted = await applyGrants(tx, { ...input, roundId: input.round.id, targets: eachParticipant([participantId], [input.deltaCents]) });
  if (granted.length === 0) {
    const [current] = await rows<{ allowance_cents: number; allocated_cents: number }>(tx, sql`
      SELECT allowance_cents, allocated_cents FROM participants WHERE id = ${participantId}`);
    throw conflict('allowance_below_allocated', 'The allowance cannot drop below what this member already allocated.', {
      allowanceCents: current?.allowance_cents,
      allocatedCents: current?.allocated_cents,
    });
  }
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
  await applyGrants(tx, {
    roundId: input.round.id,
    targets: sql`SELECT id AS participant_id, ${input.deltaCents}::bigint AS delta FROM participants
      WHERE round_id = ${input.round.id} AND membership_id = ANY(${ids}::uuid[])`,
    enteredBy: input.enteredBy,
    reason: input.reason,
  });
}
