import { FUNDED_STATUSES, PENDING_STATUSES, isFundedStatus, type BucketStatus, type ReceiptOutcome, type ResultTotals, type Role } from '@cagnotte/shared';

type RoundState = { kind: 'one_off' | 'permanent' | 'vote'; phase: 'draft' | 'proposals' | 'funding' | 'closed' };

/** A one-off round's results are final once it closed; a permanent round's are always "so far". */
export const isFinal = (round: RoundState): boolean => round.kind !== 'permanent' && round.phase === 'closed';

/**
 * Members see a one-off round's results once it closed; admins and accountants follow them live,
 * and so does the board meeting's projector (it shows the live board anyway).
 */
export function resultsRefusal(round: RoundState, viewer: Role | 'projector'): { code: string; detail: string } | null {
  if (round.kind === 'permanent' || round.phase === 'closed') return null;
  if (viewer === 'admin' || viewer === 'accountant' || viewer === 'projector') return null;
  return { code: 'round_not_closed', detail: 'The results are published when the round closes.' };
}

/**
 * Invariant 6 on both sides: each satisfies allowances = funded + pending + unspent with nothing
 * elsewhere, and the stored totals equal the ledger's to the cent.
 */
export function reconciled(totals: ResultTotals, fromLedger: ResultTotals): boolean {
  const holds = (t: ResultTotals) => t.allowancesCents === t.inFundedBucketsCents + t.pendingCents + t.unspentCents && t.elsewhereCents === 0;
  const same = (Object.keys(totals) as (keyof ResultTotals)[]).every((key) => totals[key] === fromLedger[key]);
  return holds(totals) && holds(fromLedger) && same;
}

/** What became of my money in one project. */
export function receiptOutcome(status: BucketStatus, inBucketCents: number): ReceiptOutcome {
  if (inBucketCents === 0) return 'returned';
  if (isFundedStatus(status)) return 'funded';
  if (status === 'awaiting_board') return 'awaiting_board';
  return 'open';
}

export const HOLDING_STATUSES = { committed: FUNDED_STATUSES, pending: PENDING_STATUSES } as const;
