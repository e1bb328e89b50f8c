import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { CurrencyCode } from './money.ts';

const amount = z.number().int();

/** One side of invariant 6, all in minor units. */
export const ReconciliationSide = z
  .object({
    allowancesCents: amount.describe('Σ of every participant’s allowance.'),
    inFundedBucketsCents: amount.describe('Σ funded in buckets that are `funded` or `completed`.'),
    inPendingBucketsCents: amount.describe('Σ funded in buckets that are `open` or `awaiting_board`.'),
    unspentCents: amount.describe('Σ (allowance − allocated) of every participant.'),
    inOtherBucketsCents: amount.describe('Σ funded in buckets of any other status: must be 0.'),
    balanced: z.boolean().describe('allowances = in funded buckets + in pending buckets + unspent, and other buckets hold 0.'),
  })
  .meta({ id: 'ReconciliationSide' });
export type ReconciliationSide = z.infer<typeof ReconciliationSide>;

/**
 * Invariant 6 of a round, to the cent, computed twice: from the stored totals (participants,
 * buckets) and from the ledger alone. `reconciled` when both sides balance and agree.
 */
export const Reconciliation = z
  .object({
    roundId: Id,
    currency: CurrencyCode,
    asOf: Timestamp,
    stored: ReconciliationSide,
    ledger: ReconciliationSide,
    returnedCents: amount.describe('Σ of `return` rows, as a positive amount: already back in unspent, shown apart.'),
    ledgerRows: z.number().int(),
    reconciled: z.boolean(),
  })
  .meta({ id: 'Reconciliation' });
export type Reconciliation = z.infer<typeof Reconciliation>;

export const EXPORT_FILES = ['buckets.csv', 'members.csv', 'ledger.csv', 'round.xlsx'] as const;
export type ExportFile = (typeof EXPORT_FILES)[number];
