import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { Cents } from './money.ts';
import { BucketStatus } from './bucket-status.ts';
import type { ShortfallRule } from './rounds.ts';

const Reason = z.string().trim().min(1).max(5000);

export const ClosingBucketParams = z.object({ bucketId: Id });
export const ClosingRoundParams = z.object({ roundId: Id });
export const ParticipantParams = z.object({ roundId: Id, membershipId: Id });

/** The board's say on a project that missed its minimum in a round with the `board` rule. */
export const BoardDecision = z.object({
  /** `accept`: the project goes ahead with what it got; `return`: the money goes back to its members. */
  decision: z.enum(['accept', 'return']),
  reason: Reason,
});
export type BoardDecision = z.infer<typeof BoardDecision>;

export const EndFunding = z.object({ reason: Reason.optional() }).default({});
export type EndFunding = z.infer<typeof EndFunding>;

export const ReturnAllocations = z.object({ reason: Reason });
export type ReturnAllocations = z.infer<typeof ReturnAllocations>;

/** A project after a settlement move (board decision, end of funding). */
export const SettledBucket = z
  .object({
    bucketId: Id,
    status: BucketStatus,
    fundedCents: Cents,
    minCents: Cents,
    maxCents: Cents,
    /** What this move sent back to members (0 when the project keeps its money). */
    returnedCents: Cents,
    /** Members whose money came back. */
    refundedMembers: z.number().int().min(0),
    fundingEndedAt: Timestamp.nullable(),
  })
  .meta({ id: 'SettledBucket' });
export type SettledBucket = z.infer<typeof SettledBucket>;

export const ReturnedAllocations = z
  .object({
    membershipId: Id,
    returnedCents: Cents,
    /** The projects that lost money. */
    bucketIds: z.array(Id),
  })
  .meta({ id: 'ReturnedAllocations' });
export type ReturnedAllocations = z.infer<typeof ReturnedAllocations>;

/**
 * What happens at the close to an open project that missed its minimum. One that got nothing
 * is simply not funded: there is no money to return and nothing for the board to decide.
 */
export function shortfallOutcome(fundedCents: number, rule: ShortfallRule): 'not_funded' | 'return' | 'awaiting_board' {
  if (fundedCents === 0) return 'not_funded';
  return rule === 'return' ? 'return' : 'awaiting_board';
}

export type CloseOutcome = 'funded' | 'not_funded' | 'return' | 'awaiting_board';

/** What the close will do to an open project: the rule the server settles by, and the admin's preview shows. */
export function closeOutcome(bucket: { fundedCents: number; minCents: number }, rule: ShortfallRule): CloseOutcome {
  return bucket.fundedCents >= bucket.minCents ? 'funded' : shortfallOutcome(bucket.fundedCents, rule);
}

type RoundState = { kind: 'one_off' | 'permanent' | 'vote'; phase: 'draft' | 'proposals' | 'funding' | 'closed' };

/** Why a project of this round cannot end its funding now, or null (the server's conditional UPDATE remains the guard). */
export function endFundingRefusal(round: RoundState, bucket: { status: string; fundedCents: number; minCents: number }): { code: string; detail: string } | null {
  if (round.kind !== 'permanent') return { code: 'not_permanent_round', detail: 'Only projects of a permanent round end their funding one by one; a one-off round closes.' };
  if (round.phase !== 'funding') return { code: 'round_not_funding', detail: `The round is ${round.phase}, not funding.` };
  if (bucket.status !== 'open') return { code: 'bucket_not_open', detail: `This project is ${bucket.status}, not open for funding.` };
  if (bucket.fundedCents < bucket.minCents) return { code: 'minimum_not_reached', detail: 'A project can end its funding only once it reached its minimum.' };
  return null;
}
