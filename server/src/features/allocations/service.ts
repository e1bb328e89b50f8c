import { fundingState, type AllocationRefusalCode, type AllocationResult, type Balance, type BucketFunding, type MyRound, type Problem } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import { conflict, forbidden, notFound, unprocessable } from '../../domain/errors.ts';
import type { Changes } from '../live/changes.ts';
import type { SessionCheck } from '../../http/auth-plugin.ts';
import { allocateAs, type BucketRow, type ParticipantRow } from '../ledger/index.ts';
import { prepareMyRound, type MyRoundRow } from './queries.ts';

export const balanceOf = (p: ParticipantRow): Balance => ({
  allowanceCents: p.allowance_cents,
  allocatedCents: p.allocated_cents,
  remainingCents: p.remaining_cents,
  version: p.version,
});

export const bucketFundingOf = (b: BucketRow, nearlyFundedPercent: number): BucketFunding => ({
  bucketId: b.id,
  status: b.status,
  fundingVersion: b.funding_version,
  ...fundingState({ fundedCents: b.funded_cents, minCents: b.min_cents, maxCents: b.max_cents, contributors: b.contributors }, nearlyFundedPercent),
});

export type AllocationReply = { status: 200; body: AllocationResult } | { status: 409; body: Problem };

/** One message per refusal code of the shared contract (AllocationRefusal carries their figures). */
const REFUSALS: Record<AllocationRefusalCode, (o: Record<string, unknown>) => string> = {
  round_not_funding: () => 'Allocations are open only while the round is funding.',
  over_bucket_cap: (o) => `One member may put at most ${o.capCents} into one project.`,
  no_allowance: () => 'This member has no allowance in this round.',
  member_inactive: () => 'This membership is deactivated.',
  insufficient_allowance: (o) => `Only ${o.remainingCents} left to allocate; this change needs ${o.neededCents}.`,
  bucket_not_open: () => 'This project is not open for funding.',
  allocation_committed: () => 'This project reached its minimum: allocations to it can grow but not shrink.',
  bucket_full: (o) => `This project can take only ${o.roomLeftCents} more.`,
};

function refusalProblem(outcome: { code: string; requestId: string; [detail: string]: unknown }): Problem {
  const { outcome: _outcome, code, requestId, amountCents: _amount, ...numbers } = outcome;
  const detail = (code in REFUSALS ? REFUSALS[code as AllocationRefusalCode](numbers) : undefined) ?? 'This allocation is refused.';
  return { ...numbers, type: `/problems/${code.replace(/_/g, '-')}`, title: 'Conflict', status: 409, code, detail, requestId };
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
   * The allocation write path of ARCHITECTURE.md, in one statement (`allocateAs` in the ledger)
   * that also decides who may allocate: cagnotte_allocate() runs the conditional updates in the
   * order allocation → participant → bucket, under the round's shared advisory lock.
   * PostgreSQL re-checks each WHERE after waiting for a row lock, so concurrent requests can
   * neither overspend an allowance nor overfill a bucket. A refusal is a reply like a success:
   * stored with the Idempotency-Key and replayed as it was. Undefined, with nothing written,
   * when the session in `check` is not live (see `access.firstRead`).
   */
  async function setAllocation(input: {
    personId: string;
    check: SessionCheck;
    bucketId: string;
    amountCents: number;
    memberId?: string;
    idempotencyKey?: string;
    requestId: string;
  }): Promise<AllocationReply | undefined> {
    const { bucketId } = input;
    const outcome = await allocateAs(db, {
      personId: input.personId,
      sessionId: input.check.sessionId,
      now: input.check.now,
      bucketId,
      memberId: input.memberId ?? null,
      amountCents: input.amountCents,
      idempotencyKey: input.idempotencyKey ?? null,
      requestId: input.requestId,
    });
    if (outcome.access !== 'ok') {
      if (outcome.access === 'no_session') return undefined;
      throw outcome.access === 'not_found' ? notFound('bucket') : forbidden('Only an admin may enter an allocation for another member.');
    }
    if (outcome.outcome === 'key_reused') throw unprocessable('idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
    if (outcome.outcome === 'in_progress') throw conflict('request_in_progress', 'The first request with this key has not finished.');
    if (outcome.outcome === 'refused') return { status: 409, body: refusalProblem(outcome) };

    const { round } = outcome;
    const result: AllocationResult = {
      bucketId,
      amountCents: outcome.amountCents,
      bucket: bucketFundingOf(outcome.bucket, round.nearlyFundedPercent),
      balance: balanceOf(outcome.balance),
    };
    if (outcome.changed) {
      changes.emit({ roundId: round.id, bucketIds: [bucketId], membershipIds: [outcome.membershipId] });
      if (round.kind === 'permanent' && result.bucket.state === 'full') await onPermanentBucketFull?.(round.id);
    }
    return { status: 200, body: result };
  }

  const myRoundQuery = prepareMyRound(db);

  return {
    setAllocation,

    /** The statement of `GET /api/rounds/:id/me`, for `access.roundRead`. */
    async readMyRound(roundId: string, personId: string, check: SessionCheck): Promise<MyRoundRow | undefined> {
      return (await myRoundQuery.execute({ roundId, personId, ...check }))[0];
    },

    myRoundOf({ participant, allocations }: MyRoundRow): MyRound {
      if (!participant) return { participating: false, allowanceCents: 0, allocatedCents: 0, remainingCents: 0, version: 0, allocations: [] };
      return { participating: true, ...participant, allocations };
    },
  };
}
