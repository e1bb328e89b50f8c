import type { BoardDecision } from '@cagnotte/shared';
import type { Executor } from '../../db/client.ts';
import type { Bucket } from '../../domain/model.ts';
import { conflict, notFound } from '../../domain/errors.ts';
import { returnBucketAllocations, lockRoundExclusive } from '../ledger/index.ts';
import { recordDecision } from '../decisions/record.ts';
import { bucketStatus, claimAwaitingBoard, settleAwaitingBoard } from './queries.ts';

export type BoardOutcome = { bucket: Bucket; returnedCents: number; membershipIds: string[] };

/**
 * The board accepts a project that missed its minimum (it goes ahead with what it got) or
 * returns its money. Under the round's exclusive lock and conditional on `awaiting_board`, so
 * of two admins deciding at once exactly one succeeds; the other gets a 409.
 */
export async function decideOnShortfall(
  tx: Executor,
  input: { bucketId: string; roundId: string; actorId: string; now: Date } & BoardDecision,
): Promise<BoardOutcome> {
  const { bucketId, roundId, actorId, now, reason } = input;
  await lockRoundExclusive(tx, roundId);
  const claimed = await claimAwaitingBoard(tx, bucketId, reason, now);
  if (!claimed) {
    const current = await bucketStatus(tx, bucketId);
    if (!current) throw notFound('bucket');
    throw conflict('bucket_not_awaiting_board', `Only a project awaiting the board can be decided on; this one is ${current.status}.`, { bucketStatus: current.status });
  }

  let returnedCents = 0;
  let membershipIds: string[] = [];
  if (input.decision === 'return') {
    ({ returnedCents, membershipIds } = await returnBucketAllocations(tx, { bucketId, roundId, enteredBy: actorId, reason }));
  }
  const bucket = await settleAwaitingBoard(tx, bucketId, input.decision === 'accept' ? 'funded' : 'not_funded', now);
  if (!bucket) throw new Error('the claimed bucket vanished under the round lock');

  await recordDecision(tx, {
    roundId,
    bucketId,
    kind: input.decision === 'accept' ? 'board_accepted' : 'board_returned',
    actorId,
    reason,
    data: input.decision === 'accept' ? { fundedCents: bucket.fundedCents, minCents: bucket.minCents } : { returnedCents, refundedMembers: membershipIds.length },
  });
  return { bucket, returnedCents, membershipIds };
}
