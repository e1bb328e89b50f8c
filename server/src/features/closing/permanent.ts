import type { Db, Executor } from '../../db/client.ts';
import type { Actor, Bucket } from '../../domain/model.ts';
import { conflict, forbidden, notFound } from '../../domain/errors.ts';
import { recordDecision } from '../decisions/record.ts';
import type { Changes } from '../live/changes.ts';
import { bucketWithRound, isAcceptedProposerOf, markFullBucketsFunded, markFundingEnded } from './queries.ts';
import { endFundingRefusal } from './rules.ts';

/** An admin, or an accepted proposer of the project. */
export async function assertMayEndFunding(ex: Executor, actor: Actor, bucketId: string): Promise<void> {
  if (actor.role === 'admin') return;
  if (!(await isAcceptedProposerOf(ex, bucketId, actor.membershipId))) throw forbidden('Only an accepted proposer of this project or an admin may end its funding.');
}

/**
 * Ends the funding of a project of a permanent round that reached its minimum: it becomes
 * `funded` with what it holds. No round lock: the status change keeps the money where it is, and
 * the conditional UPDATE waits for an allocation in flight on the row, then re-checks.
 */
export async function endFunding(tx: Executor, input: { bucketId: string; actorId: string; reason: string | null; now: Date }): Promise<Bucket> {
  const { bucketId, now } = input;
  const ended = await markFundingEnded(tx, bucketId, input.reason, now);
  if (!ended) {
    const current = await bucketWithRound(tx, bucketId);
    if (!current) throw notFound('bucket');
    const refusal = endFundingRefusal(current.round, current.bucket) ?? { code: 'concurrent_update', detail: 'The project changed at the same time; reload it and try again.' };
    throw conflict(refusal.code, refusal.detail, {
      bucketStatus: current.bucket.status,
      fundedCents: current.bucket.fundedCents,
      minCents: current.bucket.minCents,
      missingToMinimumCents: Math.max(0, current.bucket.minCents - current.bucket.fundedCents),
    });
  }
  await recordDecision(tx, {
    roundId: ended.roundId,
    bucketId,
    kind: 'funding_ended',
    actorId: input.actorId,
    reason: input.reason,
    data: { fundedCents: ended.fundedCents, minCents: ended.minCents, maxCents: ended.maxCents },
  });
  return ended;
}

export type FullyFunded = { bucketId: string; roundId: string; fundedCents: number };

/**
 * A project of a permanent round that became full (funded = max) is `funded`. The `permanent-full`
 * job calls this on every pass, so the job's interval is the longest delay between the allocation
 * that filled a project and its status; the allocation path may also call it right after its
 * commit for no delay at all. Safe on several instances at once: rows another pass holds are
 * skipped, and the UPDATE re-checks its condition. `roundId` null means every permanent round.
 */
export async function fundFullPermanentBuckets(db: Db, roundId: string | null, deps: { now: Date; changes?: Changes }): Promise<FullyFunded[]> {
  const funded = await db.transaction(async (tx) => {
    const rows = await markFullBucketsFunded(tx, roundId, deps.now);
    for (const row of rows) {
      await recordDecision(tx, { roundId: row.round_id, bucketId: row.id, kind: 'funding_ended', actorId: null, data: { reason: 'full', fundedCents: row.funded_cents } });
    }
    return rows.map((r) => ({ bucketId: r.id, roundId: r.round_id, fundedCents: r.funded_cents }));
  });
  if (deps.changes) {
    const byRound = new Map<string, string[]>();
    for (const f of funded) byRound.set(f.roundId, [...(byRound.get(f.roundId) ?? []), f.bucketId]);
    for (const [id, bucketIds] of byRound) deps.changes.emit({ roundId: id, bucketIds });
  }
  return funded;
}
