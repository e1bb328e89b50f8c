import type { Executor } from '../../db/client.ts';
import { decisions } from '../../db/schema.ts';

/** What the round's public history records. */
export type DecisionKind =
  | 'phase_changed'
  | 'bucket_proposed'
  | 'bucket_approved'
  | 'bucket_rejected'
  | 'changes_requested'
  | 'bucket_merged'
  | 'bucket_withdrawn'
  | 'bucket_funded'
  | 'bucket_not_funded'
  | 'bucket_awaiting_board'
  | 'board_accepted'
  | 'board_returned'
  | 'funding_ended'
  | 'bucket_completed'
  | 'allowance_granted'
  | 'allocations_returned'
  // Vote rounds (votes/): a ballot staff entered from paper, and the close's count.
  | 'paper_ballot_entered'
  | 'vote_counted';

/**
 * Appends to a round's decisions history, in the transaction that made the decision, so the
 * history can never disagree with what happened. `actorId` null means the scheduler.
 */
export async function recordDecision(
  tx: Executor,
  decision: { roundId: string; bucketId?: string | null; kind: DecisionKind; actorId: string | null; reason?: string | null; data?: Record<string, unknown> },
): Promise<void> {
  await tx.insert(decisions).values({
    roundId: decision.roundId,
    bucketId: decision.bucketId ?? null,
    kind: decision.kind,
    actorId: decision.actorId,
    reason: decision.reason ?? null,
    data: decision.data ?? {},
  });
}
