import { z } from 'zod';
import { Email, Id, Timestamp } from './common.ts';
import { Cents } from './money.ts';
import { FundingState } from './funding.ts';
import { BucketStatus } from './bucket-status.ts';

export const ProposerStatus = z.enum(['invited', 'accepted', 'declined']);
export type ProposerStatus = z.infer<typeof ProposerStatus>;

export const BudgetLine = z.object({
  label: z.string().trim().min(1).max(200),
  amountCents: Cents.min(1),
  /** Essential lines make the minimum; the others only the maximum. */
  essential: z.boolean(),
});
export type BudgetLine = z.infer<typeof BudgetLine>;

/**
 * min = Σ essential lines, max = Σ all lines: the server stores these, and the proposer's form
 * shows them as the lines are typed, from this one function.
 */
export function budgetTotals(lines: readonly Pick<BudgetLine, 'amountCents' | 'essential'>[]): { minCents: number; maxCents: number } {
  let minCents = 0;
  let maxCents = 0;
  for (const line of lines) {
    maxCents += line.amountCents;
    if (line.essential) minCents += line.amountCents;
  }
  return { minCents, maxCents };
}

export const BudgetLines = z
  .array(BudgetLine)
  .min(1)
  .max(50)
  .refine((lines) => lines.some((line) => line.essential), { message: 'at least one line must be essential (it makes the minimum)' })
  .refine((lines) => lines.reduce((sum, line) => sum + line.amountCents, 0) <= Number.MAX_SAFE_INTEGER, { message: 'the total is too large' });

const Title = z.string().trim().min(1).max(200);
const Summary = z.string().trim().max(500);
/** Markdown; replies carry the sanitised HTML beside it. */
const Description = z.string().max(50_000);
const Tags = z.array(z.string().trim().min(1).max(40)).max(10);
const ImageUrl = z.url({ protocol: /^https$/, message: 'must be an https URL' }).max(2000);
const Reason = z.string().trim().min(1).max(5000);

export const NewBucket = z.object({
  title: Title,
  summary: Summary.default(''),
  description: Description.default(''),
  tags: Tags.default([]),
  imageUrl: ImageUrl.optional(),
  budgetLines: BudgetLines,
});
export type NewBucket = z.infer<typeof NewBucket>;

/** An edit: the revision the editor started from, and only the fields to change. */
export const BucketEdit = z.object({
  revision: z.number().int().min(1),
  title: Title.optional(),
  summary: Summary.optional(),
  description: Description.optional(),
  tags: Tags.optional(),
  /** null removes the image. */
  imageUrl: ImageUrl.nullable().optional(),
  budgetLines: BudgetLines.optional(),
});
export type BucketEdit = z.infer<typeof BucketEdit>;

export const BucketListQuery = z.object({ status: BucketStatus.optional() });
export const BucketRoundParams = z.object({ roundId: Id });
export const BucketIdParams = z.object({ bucketId: Id });
export const BucketProposerParams = z.object({ bucketId: Id, membershipId: Id });

export const InviteProposer = z.object({ email: Email });
export const BucketReasonBody = z.object({ reason: Reason });
export const BucketOptionalReasonBody = z.object({ reason: Reason.optional() });
export const MergeBucket = z.object({ intoBucketId: Id, reason: Reason });
export const NewCostingNote = z.object({ body: z.string().trim().min(1).max(10_000), estimateCents: Cents.optional() });

export const BucketProposer = z.object({
  membershipId: Id,
  name: z.string(),
  status: ProposerStatus,
  invitedAt: Timestamp,
  respondedAt: Timestamp.nullable(),
});
export type BucketProposer = z.infer<typeof BucketProposer>;

export const CostingNote = z
  .object({
    id: Id,
    authorId: Id,
    authorName: z.string(),
    body: z.string(),
    bodyHtml: z.string(),
    estimateCents: Cents.nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'CostingNote' });
export type CostingNote = z.infer<typeof CostingNote>;

/** What a list shows of a bucket. */
export const BucketSummary = z
  .object({
    id: Id,
    roundId: Id,
    title: z.string(),
    summary: z.string(),
    tags: z.array(z.string()),
    imageUrl: z.string().nullable(),
    status: BucketStatus,
    minCents: Cents,
    maxCents: Cents,
    fundedCents: Cents,
    funding: FundingState,
    /**
     * Grows with every change of `fundedCents` or `contributors`: compare it with the live
     * socket's `fundingVersion` of this bucket and keep whichever is higher.
     */
    fundingVersion: z.number().int().min(0),
    /** Grows with every edit of the text or the budget lines (stale edits are refused by it). */
    revision: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'BucketSummary' });
export type BucketSummary = z.infer<typeof BucketSummary>;

export const BucketList = z.object({ buckets: z.array(BucketSummary) }).meta({ id: 'BucketList' });
export type BucketList = z.infer<typeof BucketList>;

export const BucketDetail = BucketSummary.extend({
  description: z.string(),
  descriptionHtml: z.string(),
  budgetLines: z.array(BudgetLine),
  proposers: z.array(BucketProposer),
  costingNotes: z.array(CostingNote),
  createdBy: Id,
  mergedIntoId: Id.nullable(),
  /** Why the last review or withdrawal happened (changes requested, rejected, withdrawn, merged). */
  statusReason: z.string().nullable(),
}).meta({ id: 'BucketDetail' });
export type BucketDetail = z.infer<typeof BucketDetail>;

export const BucketRevision = z
  .object({
    revision: z.number().int(),
    authorId: Id,
    authorName: z.string(),
    /** Only the fields that changed, each with its value before and after. */
    changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
    createdAt: Timestamp,
  })
  .meta({ id: 'BucketRevision' });
export type BucketRevision = z.infer<typeof BucketRevision>;

export const BucketRevisionList = z.object({ revisions: z.array(BucketRevision) }).meta({ id: 'BucketRevisionList' });
export type BucketRevisionList = z.infer<typeof BucketRevisionList>;

/** A project I carry or am invited to carry, in any round of any of my organisations. */
export const MyBucket = BucketSummary.extend({
  roundTitle: z.string(),
  currency: z.string(),
  organisationId: Id,
  organisationName: z.string(),
  /** `invited`: waiting for my answer; `accepted`: I carry it. */
  myStatus: z.enum(['invited', 'accepted']),
  acceptedProposers: z.number().int(),
  minCoProposers: z.number().int(),
}).meta({ id: 'MyBucket' });
export type MyBucket = z.infer<typeof MyBucket>;

export const MyBucketList = z.object({ buckets: z.array(MyBucket) }).meta({ id: 'MyBucketList' });
export type MyBucketList = z.infer<typeof MyBucketList>;
