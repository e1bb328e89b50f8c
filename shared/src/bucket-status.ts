import { z } from 'zod';

// A bucket's lifecycle status and the groups of statuses server and client reason with.

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

/**
 * The groups of statuses that server and client both reason with (results, exports, the board).
 * `funded`: the money goes ahead (funded, or already completed).
 */
export const FUNDED_STATUSES = ['funded', 'completed'] as const satisfies readonly BucketStatus[];
/** Holding money that is not settled yet: open for funding, or waiting for the board. */
export const PENDING_STATUSES = ['open', 'awaiting_board'] as const satisfies readonly BucketStatus[];
/** In the running: competing for money, or did (not drafts, proposals, withdrawn, merged or rejected). */
export const IN_THE_RUNNING_STATUSES = [...PENDING_STATUSES, ...FUNDED_STATUSES, 'not_funded'] as const satisfies readonly BucketStatus[];

const within = (group: readonly BucketStatus[]) => (status: BucketStatus) => group.includes(status);
export const isFundedStatus = within(FUNDED_STATUSES);
export const isPendingStatus = within(PENDING_STATUSES);
export const isInTheRunningStatus = within(IN_THE_RUNNING_STATUSES);
