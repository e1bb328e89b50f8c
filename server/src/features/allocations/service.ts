import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { fundingState, type AllocationResult, type Balance, type BucketFunding, type BucketStatus, type MyRound } from '@cagnotte/shared';
import type { Db, Executor } from '../../db/client.ts';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../../http/errors.ts';
import type { Actor, Bucket, Round } from '../../http/access.ts';
import { problemFromError } from '../../http/error-handler.ts';
import type { Changes } from '../live/changes.ts';
import { lockRoundShared } from './locks.ts';

type Row = Record<string, unknown>;
async function first<T extends Row>(tx: Executor, query: ReturnType<typeof sql>): Promise<T | undefined> {
  return (await tx.execute(query)).rows[0] as T | undefined;
}

type ParticipantRow = { allowance_cents: number; allocated_cents: number; version: number };
type BucketRow = { id: string; status: BucketStatus; funded_cents: number; min_cents: number; max_cents: number; contributors: number; funding_version: number };

export const balanceOf = (p: ParticipantRow): Balance => ({
  allowanceCents: p.allowance_cents,
  allocatedCents: p.allocated_cents,
  remainingCents: p.allowance_cents - p.allocated_cents,
  version: p.version,
});

export const bucketFundingOf = (b: BucketRow, nearlyFundedPercent: number): BucketFunding => ({
  bucketId: b.id,
  status: b.status,
  fundingVersion: b.funding_version,
  ...fundingState({ fundedCents: b.funded_cents, minCents: b.min_cents, maxCents: b.max_cents, contributors: b.contributors }, nearlyFundedPercent),
});

export type StoredReply = { status: number; body: unknown };

/** A refusal inside the money transaction: rolled back to the savepoint, kept for the idempotency key. */
class Refusal extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}

export type AllocationService = ReturnType<typeof makeAllocationService>;

export function makeAllocationService({
  db,
  changes,
  onPermanentBucketFull,
}: {
  db: Db;
  changes: Changes;
  /** A permanent round's bucket that became full is funded right away (the closing feature does it). */
  onPermanentBucketFull?: (roundId: string) => Promise<unknown>;
}) {
  /**
   * The allocation write path of ARCHITECTURE.md: one READ COMMITTED transaction of conditional
   * statements, locks taken in the order allocation → participant → bucket, no read-then-write
   * in JavaScript. PostgreSQL re-checks each WHERE after waiting for a row lock, so concurrent
   * requests can neither overspend an allowance nor overfill a bucket.
   */
  async function setAllocation(input: {
    actor: Actor;
    round: Round;
    bucket: Bucket;
    amountCents: number;
    memberId?: string;
    idempotencyKey?: string;
    requestId: string;
  }): Promise<StoredReply> {
    const { actor, round, bucket, amountCents } = input;
    const onBehalf = input.memberId !== undefined && input.memberId !== actor.membershipId;
    if (onBehalf && actor.role !== 'admin') throw forbidden('Only an admin may enter an allocation for another member.');
    const membershipId = input.memberId ?? actor.membershipId;
    const requestHash = createHash('sha256').update(JSON.stringify(['PUT allocation', bucket.id, membershipId, amountCents])).digest('hex');

    let touched: { membershipId: string } | undefined;
    const reply = await db.transaction(async (tx) => {
      if (input.idempotencyKey) {
        const claimed = await first(tx, sql`
          INSERT INTO idempotency_keys (person_id, key, request_hash) VALUES (${actor.personId}, ${input.idempotencyKey}, ${requestHash})
          ON CONFLICT (person_id, key) DO NOTHING RETURNING key`);
        if (!claimed) {
          // A concurrent duplicate waited on the first one's row; now it reads its reply.
          const stored = await first<{ request_hash: string; status_code: number | null; response: unknown }>(tx, sql`
            SELECT request_hash, status_code, response FROM idempotency_keys WHERE person_id = ${actor.personId} AND key = ${input.idempotencyKey}`);
          if (!stored || stored.request_hash !== requestHash) {
            throw unprocessable('idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
          }
          if (stored.status_code === null) throw conflict('request_in_progress', 'The first request with this key has not finished.');
          return { status: stored.status_code, body: stored.response };
        }
      }

      let result: StoredReply;
      try {
        result = await tx.transaction(async (sp) => {
          const outcome = await applyAllocation(sp, { round, bucketId: bucket.id, membershipId, amountCents, enteredBy: actor.membershipId, idempotencyKey: input.idempotencyKey });
          touched = outcome.changed ? { membershipId } : undefined;
          return { status: 200, body: outcome.result };
        });
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        const problem = problemFromError(error.error);
        result = { status: error.error.status, body: { type: `/problems/${error.error.code.replace(/_/g, '-')}`, ...problem, requestId: input.requestId } };
      }
      if (input.idempotencyKey) {
        await tx.execute(sql`
          UPDATE idempotency_keys SET status_code = ${result.status}, response = ${JSON.stringify(result.body)}::jsonb
          WHERE person_id = ${actor.personId} AND key = ${input.idempotencyKey}`);
      }
      return result;
    });

    if (touched) changes.emit({ roundId: round.id, bucketIds: [bucket.id], membershipIds: [touched.membershipId] });
    const filled = reply.status === 200 && (reply.body as AllocationResult).bucket.state === 'full';
    if (touched && filled && round.kind === 'permanent') await onPermanentBucketFull?.(round.id);
    return reply;
  }

  async function applyAllocation(
    tx: Executor,
    input: { round: Round; bucketId: string; membershipId: string; amountCents: number; enteredBy: string; idempotencyKey?: string },
  ): Promise<{ result: AllocationResult; changed: boolean }> {
    const { round, bucketId, membershipId, amountCents } = input;

    await lockRoundShared(tx, round.id);
    const current = await first<{ phase: string }>(tx, sql`SELECT phase FROM rounds WHERE id = ${round.id}`);
    if (current?.phase !== 'funding') throw new Refusal(conflict('round_not_funding', 'Allocations are open only while the round is funding.', { phase: current?.phase }));
    if (round.perBucketCapCents !== null && amountCents > round.perBucketCapCents) {
      throw new Refusal(conflict('over_bucket_cap', `One member may put at most ${round.perBucketCapCents} into one project.`, { capCents: round.perBucketCapCents }));
    }

    const participant = await first<{ id: string; active: boolean }>(tx, sql`
      SELECT p.id, m.active FROM participants p JOIN memberships m ON m.id = p.membership_id
      WHERE p.round_id = ${round.id} AND p.membership_id = ${membershipId}`);
    if (!participant) throw new Refusal(conflict('no_allowance', 'This member has no allowance in this round.', { remainingCents: 0 }));
    if (!participant.active) throw new Refusal(conflict('member_inactive', 'This membership is deactivated.'));
    const participantId = participant.id;

    const allocation = await first<{ old_amount: number | null }>(tx, sql`
      INSERT INTO allocations (participant_id, bucket_id, amount_cents) VALUES (${participantId}, ${bucketId}, ${amountCents})
      ON CONFLICT (participant_id, bucket_id) DO UPDATE SET amount_cents = EXCLUDED.amount_cents, updated_at = now()
      RETURNING old.amount_cents AS old_amount`);
    const oldAmount = allocation?.old_amount ?? 0;
    const delta = amountCents - oldAmount;
    const contributorDelta = (amountCents > 0 ? 1 : 0) - (oldAmount > 0 ? 1 : 0);

    if (delta === 0) {
      const p = await first<ParticipantRow>(tx, sql`SELECT allowance_cents, allocated_cents, version FROM participants WHERE id = ${participantId}`);
      const b = await first<BucketRow>(tx, sql`SELECT id, status, funded_cents, min_cents, max_cents, contributors, funding_version FROM buckets WHERE id = ${bucketId}`);
      if (!p || !b) throw notFound('bucket');
      return { result: { bucketId, amountCents, bucket: bucketFundingOf(b, round.nearlyFundedPercent), balance: balanceOf(p) }, changed: false };
    }

    const participantAfter = await first<ParticipantRow>(tx, sql`
      UPDATE participants SET allocated_cents = allocated_cents + ${delta}, version = version + 1
      WHERE id = ${participantId} AND allocated_cents + ${delta} <= allowance_cents
      RETURNING allowance_cents, allocated_cents, version`);
    if (!participantAfter) {
      const p = await first<ParticipantRow>(tx, sql`SELECT allowance_cents, allocated_cents, version FROM participants WHERE id = ${participantId}`);
      const remaining = p ? p.allowance_cents - p.allocated_cents : 0;
      throw new Refusal(conflict('insufficient_allowance', `Only ${remaining} left to allocate; this change needs ${delta}.`, { remainingCents: remaining, neededCents: delta, maxAmountCents: oldAmount + remaining }));
    }

    // In a permanent round, money in a bucket that reached its minimum is committed: it may grow, not shrink.
    const permanent = round.kind === 'permanent';
    const bucketAfter = await first<BucketRow>(tx, sql`
      UPDATE buckets SET funded_cents = funded_cents + ${delta}, contributors = contributors + ${contributorDelta},
        funding_version = funding_version + 1
      WHERE id = ${bucketId} AND status = 'open' AND funded_cents + ${delta} <= max_cents
        AND NOT (${permanent}::boolean AND ${delta} < 0 AND funded_cents >= min_cents)
      RETURNING id, status, funded_cents, min_cents, max_cents, contributors, funding_version`);
    if (!bucketAfter) {
      const b = await first<BucketRow>(tx, sql`SELECT id, status, funded_cents, min_cents, max_cents, contributors, funding_version FROM buckets WHERE id = ${bucketId}`);
      if (!b || b.status !== 'open') throw new Refusal(conflict('bucket_not_open', 'This project is not open for funding.', { bucketStatus: b?.status }));
      // The row was re-read after the refusal and may have moved since: only the rule that can
      // refuse this delta is named, and the room is what is left now.
      if (permanent && delta < 0 && b.funded_cents >= b.min_cents) {
        throw new Refusal(conflict('allocation_committed', 'This project reached its minimum: allocations to it can grow but not shrink.', { minimumAmountCents: oldAmount }));
      }
      const room = Math.max(0, b.max_cents - b.funded_cents);
      throw new Refusal(conflict('bucket_full', `This project can take only ${room} more.`, { roomLeftCents: room, maxAmountCents: oldAmount + room }));
    }

    await tx.execute(sql`
      INSERT INTO ledger (round_id, participant_id, bucket_id, kind, delta_cents, entered_by, idempotency_key)
      VALUES (${round.id}, ${participantId}, ${bucketId}, 'allocate', ${delta}, ${input.enteredBy}, ${input.idempotencyKey ?? null})`);

    return {
      result: { bucketId, amountCents, bucket: bucketFundingOf(bucketAfter, round.nearlyFundedPercent), balance: balanceOf(participantAfter) },
      changed: true,
    };
  }

  return {
    setAllocation,

    async myRound(actor: Actor, round: Round): Promise<MyRound> {
      const p = await first<ParticipantRow & { id: string }>(db, sql`
        SELECT id, allowance_cents, allocated_cents, version FROM participants WHERE round_id = ${round.id} AND membership_id = ${actor.membershipId}`);
      if (!p) return { participating: false, allowanceCents: 0, allocatedCents: 0, remainingCents: 0, version: 0, allocations: [] };
      const allocations = await db.execute(sql`
        SELECT bucket_id, amount_cents FROM allocations WHERE participant_id = ${p.id} AND amount_cents > 0 ORDER BY updated_at`);
      return {
        participating: true,
        ...balanceOf(p),
        allocations: (allocations.rows as { bucket_id: string; amount_cents: number }[]).map((a) => ({ bucketId: a.bucket_id, amountCents: a.amount_cents })),
      };
    },
  };
}
