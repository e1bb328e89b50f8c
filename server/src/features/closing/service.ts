import type { BoardDecision, ReturnedAllocations, RoundResults, SettledBucket } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import type { Actor, Bucket, Round } from '../../domain/model.ts';
import { conflict, notFound } from '../../domain/errors.ts';
import type { Changes } from '../live/changes.ts';
import type { ResultsService } from '../results/service.ts';
import { decideOnShortfall } from './board.ts';
import { closeRound, type Closed } from './close.ts';
import { returnMemberAllocations } from './participants.ts';
import { assertMayEndFunding, endFunding, fundFullPermanentBuckets } from './permanent.ts';
import { roundPhaseAndKind, roundsDueToClose } from './queries.ts';
import { closeRefusal, endFundingRefusal } from './rules.ts';

type Log = { error: (details: object, message: string) => void };

export type ClosingService = ReturnType<typeof makeClosingService>;

const settled = (bucket: Bucket, returnedCents: number, refundedMembers: number): SettledBucket => ({
  bucketId: bucket.id,
  status: bucket.status,
  fundedCents: bucket.fundedCents,
  minCents: bucket.minCents,
  maxCents: bucket.maxCents,
  returnedCents,
  refundedMembers,
  fundingEndedAt: bucket.fundingEndedAt ? bucket.fundingEndedAt.toISOString() : null,
});

export function makeClosingService({ db, now, changes, results, log }: { db: Db; now: () => Date; changes: Changes; results: ResultsService; log: Log }) {
  async function close(roundId: string, actorId: string | null): Promise<Closed | null> {
    const closed = await db.transaction((tx) => closeRound(tx, { roundId, actorId, now: now() }));
    if (closed) changes.emit({ roundId, round: true, bucketIds: closed.bucketIds, membershipIds: closed.membershipIds });
    return closed;
  }

  return {
    /** An admin closes the round (at the board meeting, say); the reply is its results. */
    async close(actor: Actor, round: Round): Promise<RoundResults> {
      const early = closeRefusal(round);
      if (early) throw conflict(early.code, early.detail, { phase: round.phase });
      if (!(await close(round.id, actor.membershipId))) {
        const current = await roundPhaseAndKind(db, round.id);
        if (!current) throw notFound('round');
        const refusal = closeRefusal(current) ?? { code: 'round_not_funding', detail: 'The round changed at the same time.' };
        throw conflict(refusal.code, refusal.detail, { phase: current.phase });
      }
      return results.resultsOf(round.id);
    },

    /** The scheduler's pass: every due round is closed by whichever instance gets there first. */
    async closeDueRounds(): Promise<number> {
      let closed = 0;
      for (const roundId of await roundsDueToClose(db, now())) {
        try {
          if (await close(roundId, null)) closed += 1;
        } catch (error) {
          log.error({ err: error, roundId }, 'scheduled close failed');
        }
      }
      return closed;
    },

    async boardDecision(actor: Actor, bucket: Bucket, body: BoardDecision): Promise<SettledBucket> {
      const outcome = await db.transaction((tx) =>
        decideOnShortfall(tx, { ...body, bucketId: bucket.id, roundId: bucket.roundId, actorId: actor.membershipId, now: now() }));
      changes.emit({ roundId: bucket.roundId, round: true, bucketIds: [bucket.id], membershipIds: outcome.membershipIds });
      return settled(outcome.bucket, outcome.returnedCents, outcome.membershipIds.length);
    },

    async endFunding(actor: Actor, round: Round, bucket: Bucket, reason: string | null): Promise<SettledBucket> {
      await assertMayEndFunding(db, actor, bucket.id);
      const early = endFundingRefusal(round, bucket);
      if (early) {
        throw conflict(early.code, early.detail, {
          bucketStatus: bucket.status,
          fundedCents: bucket.fundedCents,
          minCents: bucket.minCents,
          missingToMinimumCents: Math.max(0, bucket.minCents - bucket.fundedCents),
        });
      }
      const ended = await db.transaction((tx) => endFunding(tx, { bucketId: bucket.id, actorId: actor.membershipId, reason, now: now() }));
      changes.emit({ roundId: round.id, bucketIds: [bucket.id] });
      return settled(ended, 0, 0);
    },

    /** See `fundFullPermanentBuckets`: the `permanent-full` job's pass. */
    fundFullBuckets: (roundId: string | null = null) => fundFullPermanentBuckets(db, roundId, { now: now(), changes }),

    async returnAllocations(actor: Actor, round: Round, membershipId: string, reason: string): Promise<ReturnedAllocations> {
      const returned = await db.transaction((tx) => returnMemberAllocations(tx, { roundId: round.id, membershipId, actorId: actor.membershipId, reason }));
      changes.emit({ roundId: round.id, bucketIds: returned.bucketIds, membershipIds: [membershipId] });
      return { membershipId, returnedCents: returned.returnedCents, bucketIds: returned.bucketIds };
    },
  };
}
