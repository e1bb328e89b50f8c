import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { Cents, SignedCents } from './money.ts';
import { BucketStatus } from './bucket-status.ts';
import { RoundKind, RoundPhase, ShortfallRule } from './rounds.ts';

const ResultRound = z.object({
  id: Id,
  title: z.string(),
  currency: z.string(),
  kind: RoundKind,
  phase: RoundPhase,
  shortfallRule: ShortfallRule,
  contributorsVisible: z.boolean(),
  closedAt: Timestamp.nullable(),
});

export const ResultBucket = z
  .object({
    bucketId: Id,
    title: z.string(),
    status: BucketStatus,
    fundedCents: Cents,
    minCents: Cents,
    maxCents: Cents,
    /** Members whose money is in the project now. */
    contributors: z.number().int().min(0),
    /** Their names, only when the round shows contributors; null otherwise. */
    contributorNames: z.array(z.string()).nullable(),
    /** What was sent back from this project to its members (missed minimum, board, withdrawal…). */
    returnedCents: Cents,
  })
  .meta({ id: 'ResultBucket' });
export type ResultBucket = z.infer<typeof ResultBucket>;

/**
 * The two sides of the reconciliation identity (invariant 6):
 * allowances = funded + pending + unspent, and `elsewhere` (money in any other status) is 0.
 * Signed, so that a broken identity can still be shown.
 */
export const ResultTotals = z
  .object({
    allowancesCents: SignedCents,
    /**
     * In `funded` or `completed` projects: what goes ahead. Not a project's `fundedCents`
     * (the money a project holds, whatever its status): hence the name.
     */
    inFundedBucketsCents: SignedCents,
    /** In `open` or `awaiting_board` projects: not decided yet. */
    pendingCents: SignedCents,
    /** Allowances not in any project (returned money is part of it). */
    unspentCents: SignedCents,
    /** In projects of any other status: always 0 when the books are right. */
    elsewhereCents: SignedCents,
  })
  .meta({ id: 'ResultTotals' });
export type ResultTotals = z.infer<typeof ResultTotals>;

export const RoundResults = z
  .object({
    round: ResultRound,
    /** True once a one-off round is closed; a permanent round's results are always "so far". */
    final: z.boolean(),
    participants: z.number().int().min(0),
    buckets: z.array(ResultBucket),
    /** From the stored totals of participants and projects. */
    totals: ResultTotals,
    /** The same, computed from the ledger alone. */
    fromLedger: ResultTotals,
    /** Σ returned, shown apart: it is already back in `unspentCents`. */
    returnedCents: Cents,
    /** Both sides agree to the cent and each satisfies the identity. */
    reconciled: z.boolean(),
  })
  .meta({ id: 'RoundResults' });
export type RoundResults = z.infer<typeof RoundResults>;

export const ReceiptOutcome = z.enum(['funded', 'open', 'awaiting_board', 'returned']);
export type ReceiptOutcome = z.infer<typeof ReceiptOutcome>;

export const ReceiptLine = z
  .object({
    bucketId: Id,
    title: z.string(),
    status: BucketStatus,
    /** Σ of my own allocation changes to this project. */
    givenCents: Cents,
    /** What came back to me from it (my `return` rows). */
    returnedCents: Cents,
    /** What of mine is in it now: given − returned. */
    inBucketCents: Cents,
    outcome: ReceiptOutcome,
  })
  .meta({ id: 'ReceiptLine' });
export type ReceiptLine = z.infer<typeof ReceiptLine>;

export const RoundReceipt = z
  .object({
    roundId: Id,
    currency: z.string(),
    final: z.boolean(),
    participating: z.boolean(),
    /** Σ of my grants: what I was given to spend. */
    allowanceCents: Cents,
    grants: z.array(z.object({ amountCents: SignedCents, reason: z.string().nullable(), at: Timestamp })),
    lines: z.array(ReceiptLine),
    /** Of my allowance: in funded or completed projects. */
    inFundedBucketsCents: Cents,
    /** In open projects or projects awaiting the board. */
    pendingCents: Cents,
    returnedCents: Cents,
    /** allowance − what is in projects now (returned money included). */
    unspentCents: Cents,
  })
  .meta({ id: 'RoundReceipt' });
export type RoundReceipt = z.infer<typeof RoundReceipt>;
