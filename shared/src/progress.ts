import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { DiscussionAuthor, MarkdownText } from './discussion.ts';

// The progress updates proposers post once a bucket is funded, and its completion.

export const HttpUrl = z.url({ protocol: /^https?$/ }).max(2_000);

export const NewProgressUpdate = z.object({ body: MarkdownText(10_000), link: HttpUrl.optional() });

export const ProgressUpdate = z
  .object({
    id: Id,
    bucketId: Id,
    author: DiscussionAuthor,
    body: z.string(),
    bodyHtml: z.string(),
    link: z.string().nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'ProgressUpdate' });
export type ProgressUpdate = z.infer<typeof ProgressUpdate>;

export const ProgressTimeline = z
  .object({ updates: z.array(ProgressUpdate).describe('Newest first.') })
  .meta({ id: 'ProgressTimeline' });
export type ProgressTimeline = z.infer<typeof ProgressTimeline>;

export const CompleteBucket = z.object({ note: MarkdownText(2_000).optional() });

export const BucketCompleted = z
  .object({ bucketId: Id, status: z.literal('completed'), completedAt: Timestamp })
  .meta({ id: 'BucketCompleted' });
export type BucketCompleted = z.infer<typeof BucketCompleted>;

/**
 * Progress updates are for realisation: once funded, and still after completion (the final
 * report, the photos of the opening).
 */
export function acceptsProgressUpdates(status: string): boolean {
  return status === 'funded' || status === 'completed';
}
