import { and, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { buckets, rounds } from '../../db/schema.ts';
import type { Round } from '../../domain/model.ts';
import { returnBucketAllocations, lockRoundExclusive } from '../ledger/index.ts';
import { recordDecision } from '../decisions/record.ts';
import { shortfallOutcome } from './rules.ts';

export type Closed = { round: Round; bucketIds: string[]; membershipIds: string[] };

// Every status change bumps funding_version: live clients keep the highest one per bucket.
const statusChange = (status: 'funded' | 'not_funded' | 'awaiting_board', now: Date) => ({
  status,
  fundingVersion: sql`${buckets.fundingVersion} + 1`,
  updatedAt: now,
});

/**
 * Closes a one-off round and settles its projects, exactly once with any number of callers:
 * under the round's exclusive lock (allocations in flight land first and count, later ones see
 * `closed`), the conditional UPDATE lets one caller through; the others get null. Everything
 * happens in the caller's transaction.
 */
export async function closeRound(tx: Executor, input: { roundId: string; actorId: string | null; now: Date }): Promise<Closed | null> {
  const { roundId, actorId, now } = input;
  await lockRoundExclusive(tx, roundId);
  const [round] = await tx
    .update(rounds)
    .set({ phase: 'closed', closedAt: now, updatedAt: now })
    .where(and(eq(rounds.id, roundId), eq(rounds.phase, 'funding'), eq(rounds.kind, 'one_off')))
    .returning();
  if (!round) return null;

  const decide = (bucketId: string, kind: 'bucket_funded' | 'bucket_not_funded' | 'bucket_awaiting_board', data: Record<string, unknown>) =>
    recordDecision(tx, { roundId, bucketId, kind, actorId, data });

  // Projects never opened hold no money. First, so that one approved meanwhile is seen as open below.
  const unopened = await tx
    .update(buckets)
    .set({ ...statusChange('not_funded', now), statusReason: 'Not open for funding when the round closed.' })
    .where(and(eq(buckets.roundId, roundId), inArray(buckets.status, ['draft', 'proposed'])))
    .returning({ id: buckets.id });
  for (const b of unopened) await decide(b.id, 'bucket_not_funded', { reason: 'not_open', fundedCents: 0 });

  const funded = await tx
    .update(buckets)
    .set(statusChange('funded', now))
    .where(and(eq(buckets.roundId, roundId), eq(buckets.status, 'open'), gte(buckets.fundedCents, buckets.minCents)))
    .returning({ id: buckets.id, fundedCents: buckets.fundedCents });
  for (const b of funded) await decide(b.id, 'bucket_funded', { fundedCents: b.fundedCents });

  // Under the exclusive lock no allocation moves these amounts until commit.
  const short = await tx
    .select({ id: buckets.id, fundedCents: buckets.fundedCents, minCents: buckets.minCents })
    .from(buckets)
    .where(and(eq(buckets.roundId, roundId), eq(buckets.status, 'open'), lt(buckets.fundedCents, buckets.minCents)))
    .orderBy(buckets.id);
  const refunded = new Set<string>();
  let returnedCents = 0;
  let awaiting = 0;
  for (const b of short) {
    const outcome = shortfallOutcome(b.fundedCents, round.shortfallRule);
    const shortfall = { fundedCents: b.fundedCents, minCents: b.minCents };
    if (outcome === 'awaiting_board') {
      await tx.update(buckets).set(statusChange('awaiting_board', now)).where(and(eq(buckets.id, b.id), eq(buckets.status, 'open')));
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
    await tx
      .update(buckets)
      .set({ ...statusChange('not_funded', now), statusReason: 'Minimum not reached at the close.' })
      .where(and(eq(buckets.id, b.id), eq(buckets.status, 'open')));
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

/** One-off rounds in funding whose close date has come. */
export async function roundsDueToClose(ex: Executor, now: Date): Promise<string[]> {
  const due = await ex
    .select({ id: rounds.id })
    .from(rounds)
    .where(and(eq(rounds.phase, 'funding'), eq(rounds.kind, 'one_off'), lte(rounds.closesAt, now)))
    .orderBy(rounds.closesAt);
  return due.map((r) => r.id);
}
