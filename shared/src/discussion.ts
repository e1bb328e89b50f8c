import { z } from 'zod';
import { BucketStatus } from './bucket-status.ts';
import { Id, Timestamp } from './common.ts';

// The discussion around a bucket: comments and criterion flags with their answers (the progress
// updates proposers post once it is funded are in progress.ts). Names are prefixed where a bare name
// (Author, BucketParams…) would likely clash with another feature's export.

export const DiscussionBucketParams = z.object({ bucketId: Id });
export const CommentParams = z.object({ commentId: Id });
export const FlagParams = z.object({ flagId: Id });

/** Members write Markdown; the server also sends it rendered and sanitised. */
export const MarkdownText = (max: number) => z.string().trim().min(1).max(max);

export const DiscussionAuthor = z.object({ membershipId: Id, name: z.string() });
export type DiscussionAuthor = z.infer<typeof DiscussionAuthor>;

// ─── Comments ────────────────────────────────────────────────────────────────

export const CommentBody = MarkdownText(10_000);
export const NewComment = z.object({ body: CommentBody });
export const CommentEdit = z.object({ body: CommentBody });

export const Comment = z
  .object({
    id: Id,
    bucketId: Id,
    deleted: z.literal(false),
    author: DiscussionAuthor,
    body: z.string(),
    bodyHtml: z.string(),
    createdAt: Timestamp,
    editedAt: Timestamp.nullable(),
  })
  .meta({ id: 'Comment' });
export type Comment = z.infer<typeof Comment>;

/** What is left of a deleted comment: its place in the thread, nothing of what it said. */
export const DeletedComment = z
  .object({ id: Id, bucketId: Id, deleted: z.literal(true), createdAt: Timestamp })
  .meta({ id: 'DeletedComment' });
export type DeletedComment = z.infer<typeof DeletedComment>;

export const CommentList = z
  .object({
    /** False once the bucket is withdrawn or rejected: the thread stays readable, closed to new comments. */
    open: z.boolean(),
    /** Oldest first; deleted comments stay as tombstones so replies keep their context. */
    comments: z.array(z.discriminatedUnion('deleted', [Comment, DeletedComment])),
  })
  .meta({ id: 'CommentList' });
export type CommentList = z.infer<typeof CommentList>;

// ─── Criterion flags ─────────────────────────────────────────────────────────

export const NewCriterionFlag = z.object({ criterionId: Id, reason: MarkdownText(2_000) });
export const NewFlagAnswer = z.object({ body: MarkdownText(10_000) });

export const FlagAnswer = z
  .object({ id: Id, flagId: Id, author: DiscussionAuthor, body: z.string(), bodyHtml: z.string(), createdAt: Timestamp })
  .meta({ id: 'FlagAnswer' });
export type FlagAnswer = z.infer<typeof FlagAnswer>;

export const CriterionFlag = z
  .object({
    id: Id,
    bucketId: Id,
    criterionId: Id,
    author: DiscussionAuthor,
    reason: z.string(),
    reasonHtml: z.string(),
    createdAt: Timestamp,
    /** The caller raised it (and may withdraw it). */
    mine: z.boolean(),
    /** Oldest first. */
    answers: z.array(FlagAnswer),
  })
  .meta({ id: 'CriterionFlag' });
export type CriterionFlag = z.infer<typeof CriterionFlag>;

export const FlagVisibility = z.enum(['all', 'own']);
export type FlagVisibility = z.infer<typeof FlagVisibility>;

export const CriterionFlagCount = z.object({ criterionId: Id, position: z.number().int(), title: z.string(), flags: z.number().int() });

export const BucketFlags = z
  .object({
    visibility: FlagVisibility,
    /** Every criterion of the round's grid, in order, with how many members flagged this bucket on it. */
    criteria: z.array(CriterionFlagCount),
    /** With `all`, every flag of the bucket; with `own`, only the caller's. Oldest first. */
    flags: z.array(CriterionFlag),
  })
  .meta({
    id: 'BucketFlags',
    description:
      "The bucket's flags against the round's appraisal grid. The bucket's accepted proposers, reviewers and admins " +
      'see every flag with its reason, author and answers (`visibility: all`): they are the ones who must answer. ' +
      'Other members see how many flags each criterion has and only their own flags with the answers to them ' +
      '(`visibility: own`), so that a flag is a signal to the proposers, not a public accusation.',
  });
export type BucketFlags = z.infer<typeof BucketFlags>;

/** `open`: flags on projects whose discussion is still open (they can be answered); `all`: every flag. */
export const RoundFlagsState = z.enum(['open', 'all']);
export type RoundFlagsState = z.infer<typeof RoundFlagsState>;
export const RoundFlagsParams = z.object({ roundId: Id });
export const RoundFlagsQuery = z.object({ state: RoundFlagsState.default('open') });

export const RoundBucketFlags = z
  .object({
    bucketId: Id,
    title: z.string(),
    status: BucketStatus,
    visibility: FlagVisibility,
    /** The criteria this bucket was flagged on (at least once), in the grid's order, with how many flags. */
    criteria: z.array(CriterionFlagCount),
    /** As in `BucketFlags`: every flag for its proposers and staff, the caller's own for others. Oldest first. */
    flags: z.array(CriterionFlag),
  })
  .meta({ id: 'RoundBucketFlags' });
export type RoundBucketFlags = z.infer<typeof RoundBucketFlags>;

export const RoundFlags = z
  .object({
    state: RoundFlagsState,
    /** Only the buckets with at least one flag, in the order of their first flag. */
    buckets: z.array(RoundBucketFlags),
  })
  .meta({
    id: 'RoundFlags',
    description:
      "A round's flags in one read, bucket by bucket, for the review queue and the flags overview. Each bucket follows " +
      "the same visibility as `GET /api/buckets/{bucketId}/flags`: its accepted proposers, reviewers and admins see " +
      'every flag; other members see the counts per criterion and their own flags.',
  });
export type RoundFlags = z.infer<typeof RoundFlags>;
// ─── Rules both sides need ───────────────────────────────────────────────────

/**
 * Whether a bucket's discussion takes new comments, flags and answers. A withdrawn or rejected
 * bucket stays readable but closed; a merged bucket's discussion lives on in its target.
 */
export function discussionState(status: string): 'open' | 'closed' | 'merged' {
  if (status === 'merged') return 'merged';
  if (status === 'withdrawn' || status === 'rejected') return 'closed';
  return 'open';
}
