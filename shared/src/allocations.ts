import { z } from 'zod';
import { Id } from './common.ts';
import { Cents } from './money.ts';
import { FundingState } from './funding.ts';

export const BUCKET_STATUSES = [
  'draft',
  'proposed',
  'open',
  'funded',
  'awaiting_board',
  'not_funded',
  'completed',
  'withdrawn',
  'merged',
  'rejected',
] as const;
export const BucketStatus = z.enum(BUCKET_STATUSES);
export type BucketStatus = z.infer<typeof BucketStatus>;

export const SetAllocation = z.object({
  amountCents: Cents.describe('The new total this member puts into the bucket, in minor units; 0 withdraws it.'),
  memberId: Id.optional().describe('Staff only: the membership of a member who voted on paper; the ledger records who entered it.'),
});

export const Balance = z
  .object({
    allowanceCents: z.number().int(),
    allocatedCents: z.number().int(),
    remainingCents: z.number().int(),
    /** Grows with every change of this member's balance: keep the highest. */
    version: z.number().int(),
  })
  .meta({ id: 'Balance' });
export type Balance = z.infer<typeof Balance>;

export const BucketFunding = FundingState.extend({
  bucketId: Id,
  status: BucketStatus,
  /** Grows with every change of the bucket's funding: keep the highest. */
  fundingVersion: z.number().int(),
}).meta({ id: 'BucketFunding' });
export type BucketFunding = z.infer<typeof BucketFunding>;

export const AllocationResult = z
  .object({
    bucketId: Id,
    amountCents: z.number().int(),
    bucket: BucketFunding,
    balance: Balance,
  })
  .meta({ id: 'AllocationResult' });
export type AllocationResult = z.infer<typeof AllocationResult>;

export const MyRound = Balance.extend({
  participating: z.boolean().describe('False when the member has no allowance in this round (they may still propose and comment).'),
  allocations: z.array(z.object({ bucketId: Id, amountCents: z.number().int() })),
}).meta({ id: 'MyRound' });
export type MyRound = z.infer<typeof MyRound>;
