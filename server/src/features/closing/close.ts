import type { Executor } from '../../db/client.ts';
import type { Round } from '../../domain/model.ts';
import { returnBucketAllocations, lockRoundExclusive } from '../ledger/index.ts';
import { recordDecision } from '../decisions/record.ts';
import {
  markAwaitingBoard,
  markMinimumNotReached,
  markReachedMinimumFunded,
  markRoundClosed,
  markUnopenedNotFunded,
  shortOpenBuckets,
} from './queries.ts';
import { shortfallOutcome } from './rules.ts';

export type Closed = { round: Round; bucketIds: string[]; membershipIds: string[] };

/**
 * Closes a one-off round and settles its projects, exactly once with any number of callers:
 * under the round's exclusive lock (allocations in flight land first and count, later ones see
 * `closed`), the conditional UPDATE lets one caller through; the others get null. Everything
 * happens in the caller's transaction.
 */
export async function closeRound(tx: Executor, input: { roundId: string; actorId: string | null; now: Date }): Promise<Closed | null> {
  const { roundId, actorId, now } = input;
  await lockRoundExclusive(tx, roundId);
  const round = await markRoundClosed(tx, roundId, now);
  if (!round) return null;

  const decide = (bucketId: string, kind: 'bucket_funded' | 'bucket_not_funded' | 'bucket_awaiting_board', data: Record<string, unknown>) =>
    recordDecision(tx, { roundId, bucketId, kind, actorId, data });

  // Projects never opened hold no money. First, so that one approved meanwhile is seen as open below.
  const unopened = await markUnopenedNotFunded(tx, roundId, now);
  for (const b of unopened) await decide(b.id, 'bucket_not_funded', { reason: 'not_open', fundedCents: 0 });

  const funded = await markReachedMinimumFunded(tx, roundId, now);
  for (const b of funded) await decide(b.id, 'bucket_funded', { fundedCents: b.fundedCents });

  // Under the exclusive lock no allocation moves these amounts until commit.
  const short = await shortOpenBuckets(tx, roundId);
  const refunded = new Set<string>();
  let returnedCents = 0;
  let awaiting = 0;
  for (const b of short) {
    const outcome = shortfallOutcome(b.fundedCents, round.shortfallRule);
    const shortfall = { fundedCents: b.fundedCents, minCents: b.minCents };
    if (outcome === 'awaiting_board') {
      await markAwaitingBoard(tx, b.id, now);
      await decide(b.id, 'bucket_awaiting_board', shortfall);
      awaiting += 1;
      continue;
    }
    let returned = 0;
    if (outcome === 'return') {
      const result = await returnBucketAllocations(tx, { bucketId: b.id, roundId, enteredBy: actorId, reason: 'Minimum not reached at the close' });
      for (const id of result.membershipIds) refunded.add(id);
      returned = result.returnedCents;
      returnedCents += returned;
    }
    await markMinimumNotReached(tx, b.id, now);
    await decide(b.id, 'bucket_not_funded', { reason: 'minimum_not_reached', ...shortfall, returnedCents: returned });
  }

  await recordDecision(tx, {
    roundId,
    kind: 'phase_changed',
    actorId,
    data: {
      from: 'funding',
      to: 'closed',
      funded: funded.length,
      notFunded: unopened.length + short.length - awaiting,
      awaitingBoard: awaiting,
      returnedCents,
    },
  });

  return {
    round,
    bucketIds: [...unopened, ...funded, ...short].map((b) => b.id),
    membershipIds: [...refunded],
  };
}

