import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { BucketStatus } from '@cagnotte/shared';
import type { Executor } from '../../db/client.ts';
import { buckets, rounds } from '../../db/schema.ts';
import { returnBucketAllocations, type Returned } from '../ledger/index.ts';
import { recordDecision } from '../decisions/record.ts';
import type { Actor, Bucket } from '../../domain/model.ts';
import { conflict, forbidden } from '../../domain/errors.ts';
import { currentBucket, isAcceptedProposer, transitionConflict } from './queries.ts';
import { checkTransition, partiesOf, TRANSITIONS, type BucketAction, type Party } from './rules.ts';

const WHO: Record<Party, string> = { proposer: 'an accepted proposer of this bucket', reviewer: 'a reviewer', admin: 'an admin' };

/** Early, friendly refusal from what the request loaded; the conditional update is the guard. */
export async function authorizeTransition(ex: Executor, actor: Actor, bucket: Bucket, action: BucketAction): Promise<void> {
  const parties = partiesOf(actor.role, await isAcceptedProposer(ex, bucket.id, actor.membershipId));
  const refusal = checkTransition(action, bucket.status, parties);
  if (refusal?.kind === 'forbidden') {
    throw forbidden(`Only ${refusal.by.map((party) => WHO[party]).join(' or ')} may do this.`);
  }
  if (refusal?.kind === 'wrong_status') throw transitionConflict(action, bucket.status, refusal.allowedFrom);
}

/**
 * The status change itself: `UPDATE … WHERE status = ANY(allowed)`, so of two reviewers
 * clicking at once exactly one succeeds; the other gets a 409 naming the status it found.
 */
export async function applyTransition(
  tx: Executor,
  input: {
    bucketId: string;
    action: BucketAction;
    to?: BucketStatus;
    statusReason: string | null;
    now: Date;
    set?: Partial<typeof buckets.$inferInsert>;
    /** A further condition; when it alone fails, the bucket changed under us. */
    guard?: SQL;
  },
): Promise<Bucket> {
  const rule = TRANSITIONS[input.action];
  const [moved] = await tx
    .update(buckets)
    .set({ ...input.set, status: input.to ?? rule.to, statusReason: input.statusReason, updatedAt: input.now })
    .where(and(eq(buckets.id, input.bucketId), inArray(buckets.status, [...rule.from]), input.guard))
    .returning();
  if (moved) return moved;
  const current = await currentBucket(tx, input.bucketId);
  if (rule.from.includes(current.status)) {
    throw conflict('concurrent_update', 'The bucket changed at the same time; reload it and try again.', { bucketStatus: current.status });
  }
  throw transitionConflict(input.action, current.status, rule.from);
}

/**
 * Withdrawing or rejecting: an open bucket's money goes back to its members first (under the
 * round's exclusive lock, while the round is funding), then the status changes — guarded on
 * the bucket holding nothing — and the decision is recorded, all in the caller's transaction.
 */
export async function endWithMoneyBack(
  tx: Executor,
  input: { bucket: Bucket; actor: Actor; action: 'withdraw' | 'reject'; decision: 'bucket_withdrawn' | 'bucket_rejected'; reason: string; now: Date },
): Promise<Returned> {
  const { bucket, actor, reason } = input;
  const [row] = await tx
    .select({ status: buckets.status, phase: rounds.phase })
    .from(buckets)
    .innerJoin(rounds, eq(rounds.id, buckets.roundId))
    .where(eq(buckets.id, bucket.id));
  const returned: Returned =
    row?.status === 'open' && row.phase === 'funding'
      ? await returnBucketAllocations(tx, { bucketId: bucket.id, roundId: bucket.roundId, enteredBy: actor.membershipId, reason })
      : { membershipIds: [], returnedCents: 0 };
  await applyTransition(tx, { bucketId: bucket.id, action: input.action, statusReason: reason, now: input.now, guard: eq(buckets.fundedCents, 0) });
  await recordDecision(tx, {
    roundId: bucket.roundId,
    bucketId: bucket.id,
    kind: input.decision,
    actorId: actor.membershipId,
    reason,
    data: { returnedCents: returned.returnedCents },
  });
  return returned;
}
