import { and, eq, inArray, isNotNull, lte, or } from 'drizzle-orm';
import type { Round as RoundReply, RoundPhase } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import { buckets, rounds } from '../../db/schema.ts';
import type { Actor, Round } from '../../domain/model.ts';
import { conflict, notFound } from '../../domain/errors.ts';
import { openFunding } from '../ledger/index.ts';
import { recordDecision } from '../decisions/record.ts';
import type { Changes } from '../live/changes.ts';
import { toRoundReply } from './queries.ts';
import { phaseChangeRefusal, scheduledNextPhase } from './rules.ts';

export type PhasesService = ReturnType<typeof makePhasesService>;

type Log = { error: (details: object, message: string) => void };

export function makePhasesService({ db, now, changes, log }: { db: Db; now: () => Date; changes: Changes; log: Log }) {
  /**
   * Moves a round from `from` to `to` with one conditional UPDATE: with any number of admins
   * and instances racing, exactly one succeeds; the others get null. Entering funding gives
   * every active member their allowance and opens the projects that may be funded, in the same
   * transaction, so no one ever sees a funding round without allowances.
   */
  async function enter(roundId: string, from: RoundPhase, to: 'proposals' | 'funding', actorId: string | null): Promise<Round | null> {
    const result = await db.transaction(async (tx) => {
      const [round] = await tx
        .update(rounds)
        .set({ phase: to, updatedAt: now() })
        .where(and(eq(rounds.id, roundId), eq(rounds.phase, from)))
        .returning();
      if (!round) return null;
      let membershipIds: string[] = [];
      let bucketIds: string[] = [];
      if (to === 'funding') {
        ({ membershipIds } = await openFunding(tx, round, actorId));
        // A bucket may already be open before funding (approved by a reviewer, or proposed in a
        // round that needs no approval); allocations only happen while the round is in funding.
        if (!round.approvalRequired) {
          const opened = await tx
            .update(buckets)
            .set({ status: 'open', updatedAt: now() })
            .where(and(eq(buckets.roundId, round.id), eq(buckets.status, 'proposed')))
            .returning({ id: buckets.id });
          bucketIds = opened.map((b) => b.id);
        }
      }
      await recordDecision(tx, {
        roundId,
        kind: 'phase_changed',
        actorId,
        data: { from, to, ...(to === 'funding' ? { participants: membershipIds.length, bucketsOpened: bucketIds.length } : {}) },
      });
      return { round, membershipIds, bucketIds };
    });
    if (!result) return null;
    changes.emit({
      roundId,
      round: true,
      ...(result.bucketIds.length > 0 ? { bucketIds: result.bucketIds } : {}),
      ...(result.membershipIds.length > 0 ? { membershipIds: result.membershipIds } : {}),
    });
    return result.round;
  }

  return {
    /** An admin's move: forward only, never to closed (the close route settles the money). */
    async change(actor: Actor, round: Round, to: RoundPhase): Promise<RoundReply> {
      const refusal = phaseChangeRefusal(round.phase, to);
      if (refusal) throw conflict(refusal.code, refusal.detail, { phase: round.phase });
      const moved = await enter(round.id, round.phase, to as 'proposals' | 'funding', actor.membershipId);
      if (moved) return toRoundReply(moved);
      const [current] = await db.select({ phase: rounds.phase }).from(rounds).where(eq(rounds.id, round.id));
      if (!current) throw notFound('round');
      throw conflict('invalid_phase_transition', `The round moved to ${current.phase} meanwhile.`, { phase: current.phase });
    },

    /**
     * The scheduler's pass: rounds whose proposals or funding date has come move on, one step at
     * a time, by the same conditional transitions; the decision's actor is null. A round that
     * fails is logged and retried on the next pass; the others go on.
     */
    async runScheduled(): Promise<number> {
      const at = now();
      const due = await db
        .select()
        .from(rounds)
        .where(
          and(
            inArray(rounds.phase, ['draft', 'proposals']),
            or(and(isNotNull(rounds.proposalsOpenAt), lte(rounds.proposalsOpenAt, at)), and(isNotNull(rounds.fundingOpensAt), lte(rounds.fundingOpensAt, at))),
          ),
        );
      let moved = 0;
      for (const start of due) {
        let round: Round | null = start;
        try {
          for (let next = scheduledNextPhase(round, at); round && next; next = round ? scheduledNextPhase(round, at) : null) {
            round = await enter(round.id, round.phase, next, null);
            if (round) moved += 1;
          }
        } catch (error) {
          log.error({ err: error, roundId: start.id }, 'scheduled phase change failed');
        }
      }
      return moved;
    },
  };
}
