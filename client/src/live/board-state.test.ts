import { describe, expect, it } from 'vitest';
import { fundingState, type LiveBucket } from '@cagnotte/shared';
import { boardOrder, mergeFrame, mergeSnapshot, reachedMinimum } from './board-state.ts';

function bucket(id: string, values: Partial<LiveBucket> = {}): LiveBucket {
  const fundedCents = values.fundedCents ?? 0;
  return {
    bucketId: id,
    title: `Project ${id}`,
    status: 'open',
    fundingVersion: 1,
    ...fundingState({ fundedCents, minCents: 1000, maxCents: 1500, contributors: 0 }, 80),
    ...values,
  };
}

describe('merging live messages', () => {
  it('keeps the state with the highest funding version when a frame arrives late', () => {
    const held = [bucket('a', { fundedCents: 900, fundingVersion: 5 })];
    const merged = mergeFrame(held, { buckets: [bucket('a', { fundedCents: 100, fundingVersion: 3 })], removedBucketIds: [] });
    expect(merged[0]?.fundedCents).toBe(900);
  });

  it('applies a newer state and leaves the other buckets as they were', () => {
    const held = [bucket('a'), bucket('b', { fundedCents: 10 })];
    const merged = mergeFrame(held, { buckets: [bucket('a', { fundedCents: 700, fundingVersion: 2 })], removedBucketIds: [] });
    expect(merged.map((b) => [b.bucketId, b.fundedCents])).toEqual([['a', 700], ['b', 10]]);
  });

  it('drops removed buckets and appends ones it did not hold', () => {
    const merged = mergeFrame([bucket('a'), bucket('b')], { buckets: [bucket('c')], removedBucketIds: ['a'] });
    expect(merged.map((b) => b.bucketId)).toEqual(['b', 'c']);
  });

  it('takes a snapshot’s list of buckets, without going back on a newer state it holds', () => {
    const held = [bucket('a', { fundedCents: 900, fundingVersion: 5 }), bucket('gone')];
    const merged = mergeSnapshot(held, [bucket('a', { fundedCents: 100, fundingVersion: 4 }), bucket('b')]);
    expect(merged.map((b) => [b.bucketId, b.fundedCents])).toEqual([['a', 900], ['b', 0]]);
  });
});

describe('the board’s order', () => {
  it('floats funded projects to the top and keeps the round’s order otherwise', () => {
    const ordered = boardOrder([
      bucket('old', { status: 'withdrawn' }),
      bucket('first'),
      bucket('won', { status: 'funded' }),
      bucket('second', { status: 'awaiting_board' }),
      bucket('done', { status: 'completed' }),
      bucket('lost', { status: 'not_funded' }),
    ]);
    expect(ordered.map((b) => b.bucketId)).toEqual(['won', 'done', 'first', 'second', 'lost', 'old']);
  });
});

describe('projects reaching their minimum', () => {
  it('names the open project whose funding crossed its minimum', () => {
    const held = [bucket('a', { fundedCents: 900 }), bucket('b', { fundedCents: 100 })];
    const next = mergeFrame(held, { buckets: [bucket('a', { fundedCents: 1000, fundingVersion: 2 }), bucket('b', { fundedCents: 200, fundingVersion: 2 })], removedBucketIds: [] });
    expect(reachedMinimum(held, next).map((b) => b.bucketId)).toEqual(['a']);
  });

  it('does not celebrate what the first snapshot shows already reached, nor a late, older frame', () => {
    expect(reachedMinimum([], [bucket('a', { fundedCents: 1200 })])).toEqual([]);
    const held = [bucket('a', { fundedCents: 900, fundingVersion: 5 })];
    const next = mergeFrame(held, { buckets: [bucket('a', { fundedCents: 1000, fundingVersion: 4 })], removedBucketIds: [] });
    expect(reachedMinimum(held, next)).toEqual([]);
  });

  it('does not celebrate again a project that stays above its minimum', () => {
    const held = [bucket('a', { fundedCents: 1100 })];
    expect(reachedMinimum(held, [bucket('a', { fundedCents: 1300, fundingVersion: 2 })])).toEqual([]);
  });

  it('celebrates a crossing that happened while the screen was disconnected, seen in the new snapshot', () => {
    const held = [bucket('a', { fundedCents: 500 })];
    const next = mergeSnapshot(held, [bucket('a', { fundedCents: 1000, fundingVersion: 3 })]);
    expect(reachedMinimum(held, next).map((b) => b.bucketId)).toEqual(['a']);
  });
});
