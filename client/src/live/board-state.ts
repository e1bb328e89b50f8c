import { isFundedStatus, isInTheRunningStatus, type LiveBucket, type LiveFrame } from '@cagnotte/shared';

type Bucket = Readonly<LiveBucket>;

/** The newer of two states of one bucket: a lost, duplicated or reordered message is then harmless. */
function newer(held: Bucket | undefined, incoming: Bucket): Bucket {
  return held && held.fundingVersion > incoming.fundingVersion ? held : incoming;
}

/**
 * A snapshot says which buckets are shown (oldest first); for each, keep whichever state is newer,
 * ours or the snapshot's.
 */
export function mergeSnapshot(held: readonly Bucket[], snapshot: readonly Bucket[]): Bucket[] {
  const byId = new Map(held.map((b) => [b.bucketId, b]));
  return snapshot.map((b) => newer(byId.get(b.bucketId), b));
}

/** A frame carries only what changed; a bucket we did not hold (newly opened) goes last. */
export function mergeFrame(held: readonly Bucket[], frame: Pick<LiveFrame, 'buckets' | 'removedBucketIds'>): Bucket[] {
  const removed = new Set(frame.removedBucketIds);
  const incoming = new Map(frame.buckets.map((b) => [b.bucketId, b]));
  const kept = held.filter((b) => !removed.has(b.bucketId));
  const merged = kept.map((b) => {
    const next = incoming.get(b.bucketId);
    incoming.delete(b.bucketId);
    return next ? newer(b, next) : b;
  });
  return [...merged, ...incoming.values()];
}

/** The shared status groups, applied to a bucket of the board. */
export const isFunded = (b: Pick<LiveBucket, 'status'>) => isFundedStatus(b.status);
export const isInTheRunning = (b: Pick<LiveBucket, 'status'>) => isInTheRunningStatus(b.status);

const RANK: Record<LiveBucket['status'], number> = {
  funded: 0,
  completed: 0,
  open: 1,
  awaiting_board: 1,
  proposed: 2,
  draft: 2,
  not_funded: 3,
  withdrawn: 4,
  merged: 4,
  rejected: 4,
};

/** Funded projects float to the top; otherwise the round's order (oldest first) is kept. */
export function boardOrder<T extends Pick<LiveBucket, 'status'>>(buckets: readonly T[]): T[] {
  return buckets
    .map((bucket, index) => ({ bucket, index }))
    .sort((a, b) => RANK[a.bucket.status] - RANK[b.bucket.status] || a.index - b.index)
    .map(({ bucket }) => bucket);
}

/**
 * The open buckets that crossed their minimum between two states of the board: news to
 * celebrate. A bucket seen for the first time is not news (the first snapshot shows what was
 * already reached), nor a bucket that dropped back and is still above it.
 */
export function reachedMinimum(held: readonly Bucket[], next: readonly Bucket[]): Bucket[] {
  const before = new Map(held.map((b) => [b.bucketId, b]));
  return next.filter((b) => {
    const was = before.get(b.bucketId);
    return was !== undefined && b.status === 'open' && was.fundedCents < was.minCents && b.fundedCents >= b.minCents;
  });
}
