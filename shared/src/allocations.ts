import { z } from 'zod';
import { Id } from './common.ts';
import { Cents } from './money.ts';
import { FundingState } from './funding.ts';
import { Problem } from './problem.ts';
import { BucketStatus } from './bucket-status.ts';

export const SetAllocation = z.object({
  amountCents: Cents.describe('The new total this member puts into the bucket, in minor units; 0 withdraws it.'),
  memberId: Id.optional().describe('Staff only: the membership of a member who voted on paper; the ledger records who entered it.'),
});

/**
 * Why `PUT /api/buckets/:id/allocation` refused (409), each code with the figures it carries, so
 * that a client can say why and offer the fix ("Only 37,50 € left — allocate 37,50 €?").
 */
const refusal = <C extends string, F extends z.ZodRawShape>(code: C, figures: F) => Problem.extend({ code: z.literal(code), ...figures });
export const AllocationRefusal = z.discriminatedUnion('code', [
  refusal('round_not_funding', { phase: z.string().nullable().optional() }),
  refusal('over_bucket_cap', { capCents: Cents }),
  refusal('no_allowance', { remainingCents: Cents }),
  refusal('member_inactive', {}),
  /** `maxAmountCents`: the most this member can put in this project now (what they have there plus what is left). */
  refusal('insufficient_allowance', { remainingCents: Cents, neededCents: z.number().int(), maxAmountCents: Cents }),
  refusal('bucket_not_open', { bucketStatus: BucketStatus.nullable().optional() }),
  /** Permanent rounds: the project reached its minimum; the allocation may grow, not go below `minimumAmountCents`. */
  refusal('allocation_committed', { minimumAmountCents: Cents }),
  refusal('bucket_full', { roomLeftCents: Cents, maxAmountCents: Cents }),
]);
export type AllocationRefusal = z.infer<typeof AllocationRefusal>;
export type AllocationRefusalCode = AllocationRefusal['code'];
export const ALLOCATION_REFUSAL_CODES = AllocationRefusal.options.map((o) => o.shape.code.value) as AllocationRefusalCode[];

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
