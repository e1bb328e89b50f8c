import { and, eq } from 'drizzle-orm';
import type { RoundReceipt, RoundResults } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import { participants, rounds } from '../../db/schema.ts';
import type { Actor, Round, Viewer } from '../../domain/model.ts';
import { conflict, notFound } from '../../domain/errors.ts';
import { bucketResults, contributorNames, receiptGrants, receiptLines, roundTotals } from './queries.ts';
import { HOLDING_STATUSES, isFinal, receiptOutcome, reconciled, resultsRefusal } from './rules.ts';

export type ResultsService = ReturnType<typeof makeResultsService>;

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const iso = (date: Date | null) => (date ? date.toISOString() : null);
const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);

export function makeResultsService({ db }: { db: Db }) {
  /** One snapshot (REPEATABLE READ), so that both sides of the reconciliation see the same moment. */
  const snapshot = <T>(work: (tx: Tx) => Promise<T>) => db.transaction(work, { isolationLevel: 'repeatable read', accessMode: 'read only' });

  async function resultsOf(roundId: string): Promise<RoundResults> {
    return snapshot(async (tx) => {
      const [round] = await tx.select().from(rounds).where(eq(rounds.id, roundId));
      if (!round) throw notFound('round');
      const found = await bucketResults(tx, round.id);
      const names = round.contributorsVisible ? await contributorNames(tx, round.id) : null;
      const { totals, fromLedger, returnedCents, participants: count } = await roundTotals(tx, round.id);
      return {
        round: {
          id: round.id,
          title: round.title,
          currency: round.currency,
          kind: round.kind,
          phase: round.phase,
          shortfallRule: round.shortfallRule,
          contributorsVisible: round.contributorsVisible,
          closedAt: iso(round.closedAt),
        },
        final: isFinal(round),
        participants: count,
        buckets: found.map((b) => ({
          bucketId: b.id,
          title: b.title,
          status: b.status,
          fundedCents: b.funded_cents,
          minCents: b.min_cents,
          maxCents: b.max_cents,
          contributors: b.contributors,
          contributorNames: names ? (names.get(b.id) ?? []) : null,
          returnedCents: b.returned_cents,
        })),
        totals,
        fromLedger,
        returnedCents,
        reconciled: reconciled(totals, fromLedger),
      };
    });
  }

  return {
    resultsOf,

    async results(viewer: Viewer, round: Round): Promise<RoundResults> {
      const refusal = resultsRefusal(round, viewer.kind === 'projector' ? 'projector' : viewer.actor.role);
      if (refusal) throw conflict(refusal.code, refusal.detail, { phase: round.phase });
      return resultsOf(round.id);
    },

    /** What I was granted, what I gave to each project and what became of it, what I did not spend. */
    async receipt(actor: Actor, round: Round): Promise<RoundReceipt> {
      return snapshot(async (tx) => {
        const [current] = await tx.select({ phase: rounds.phase, kind: rounds.kind }).from(rounds).where(eq(rounds.id, round.id));
        const [me] = await tx
          .select()
          .from(participants)
          .where(and(eq(participants.roundId, round.id), eq(participants.membershipId, actor.membershipId)));
        const base = { roundId: round.id, currency: round.currency, final: current ? isFinal(current) : false };
        if (!me) {
          return { ...base, participating: false, allowanceCents: 0, grants: [], lines: [], inFundedBucketsCents: 0, pendingCents: 0, returnedCents: 0, unspentCents: 0 };
        }
        const lines = (await receiptLines(tx, me.id)).map((l) => ({
          bucketId: l.bucket_id,
          title: l.title,
          status: l.status,
          givenCents: l.given_cents,
          returnedCents: l.returned_cents,
          inBucketCents: l.in_bucket_cents,
          outcome: receiptOutcome(l.status, l.in_bucket_cents),
        }));
        const inStatuses = (statuses: readonly string[]) => sum(lines.filter((l) => statuses.includes(l.status)).map((l) => l.inBucketCents));
        const grants = await receiptGrants(tx, me.id);
        return {
          ...base,
          participating: true,
          allowanceCents: me.allowanceCents,
          grants: grants.map((g) => ({ amountCents: g.amountCents, reason: g.reason, at: g.at.toISOString() })),
          lines,
          inFundedBucketsCents: inStatuses(HOLDING_STATUSES.committed),
          pendingCents: inStatuses(HOLDING_STATUSES.pending),
          returnedCents: sum(lines.map((l) => l.returnedCents)),
          unspentCents: me.remainingCents,
        };
      });
    },
  };
}
