import { describe, expect, it } from 'vitest';
import { fundingState, type AllocationResult, type LiveBucket, type LiveRound } from '@cagnotte/shared';
import { LiveRoom } from './live-room.ts';

function bucket(id: string, values: Partial<LiveBucket> = {}): LiveBucket {
  const fundedCents = values.fundedCents ?? 0;
  return { bucketId: id, title: `Project ${id}`, status: 'open', fundingVersion: 1, ...fundingState({ fundedCents, minCents: 1000, maxCents: 1500, contributors: 0 }, 80), ...values };
}

const round: LiveRound = {
  roundId: 'r',
  title: 'Budget',
  phase: 'funding',
  kind: 'one_off',
  currency: 'EUR',
  locale: 'fr',
  nearlyFundedPercent: 80,
  closesAt: null,
  closedAt: null,
  totals: { participants: 2, allowanceCents: 2000, allocatedCents: 0, inFundedBucketsCents: 0 },
  ballots: null,
};

function reply(fundedCents: number, fundingVersion: number, amountCents: number, version: number): AllocationResult {
  const b = bucket('a', { fundedCents, fundingVersion });
  return {
    bucketId: 'a',
    amountCents,
    bucket: { bucketId: 'a', status: 'open', fundingVersion, fundedCents, minCents: b.minCents, maxCents: b.maxCents, contributors: 1, state: b.state, shareOfMinimumBp: b.shareOfMinimumBp, roomLeftCents: b.roomLeftCents, missingToMinimumCents: b.missingToMinimumCents },
    balance: { allowanceCents: 1000, allocatedCents: amountCents, remainingCents: 1000 - amountCents, version },
  };
}

describe('the live room of a round', () => {
  it('keeps my allocation’s reply over an older frame that arrives after it', () => {
    const room = new LiveRoom('r');
    room.applyBoard({ round, buckets: [bucket('a')] });
    room.applyAllocation(reply(400, 3, 400, 2));
    room.applyFrame({ buckets: [bucket('a', { fundedCents: 100, fundingVersion: 2 })], removedBucketIds: [] });
    expect(room.byId.value.get('a')?.fundedCents).toBe(400);
    expect(room.me.value?.allocations.get('a')).toBe(400);
  });

  it('takes a newer frame over my reply: someone else allocated after me', () => {
    const room = new LiveRoom('r');
    room.applyBoard({ round, buckets: [bucket('a')] });
    room.applyAllocation(reply(400, 3, 400, 2));
    room.applyFrame({ buckets: [bucket('a', { fundedCents: 650, fundingVersion: 4 })], removedBucketIds: [] });
    expect(room.byId.value.get('a')?.fundedCents).toBe(650);
  });

  it('ignores a balance older than the one it holds, whichever source brings it', () => {
    const room = new LiveRoom('r');
    room.applyMine({ participating: true, allowanceCents: 1000, allocatedCents: 300, remainingCents: 700, version: 5, allocations: [{ bucketId: 'a', amountCents: 300 }] });
    room.applyAllocation(reply(100, 2, 100, 3));
    expect(room.me.value?.remainingCents).toBe(700);
    expect(room.me.value?.allocations.get('a')).toBe(300);
  });

  it('notes a project crossing its minimum in a frame once, and none from a snapshot', () => {
    const room = new LiveRoom('r');
    room.applyBoard({ round, buckets: [bucket('a', { fundedCents: 900 }), bucket('b', { fundedCents: 1200 })] });
    expect(room.milestones.value).toEqual([]);
    room.applyFrame({ buckets: [bucket('a', { fundedCents: 1000, fundingVersion: 2 })], removedBucketIds: [] });
    room.applyFrame({ buckets: [bucket('a', { fundedCents: 1100, fundingVersion: 3 })], removedBucketIds: [] });
    expect(room.milestones.value.map((m) => m.bucketId)).toEqual(['a']);
  });

  it('does not take a member without an allowance for a participant when the socket sends their zero balance', () => {
    const room = new LiveRoom('r');
    room.applyMine({ participating: false, allowanceCents: 0, allocatedCents: 0, remainingCents: 0, version: 0, allocations: [] });
    room.applyMe({ type: 'me', roundId: 'r', allowanceCents: 0, allocatedCents: 0, remainingCents: 0, allocations: [], version: 0 });
    expect(room.me.value?.participating).toBe(false);
    room.applyMe({ type: 'me', roundId: 'r', allowanceCents: 1000, allocatedCents: 0, remainingCents: 1000, allocations: [], version: 1 });
    expect(room.me.value?.participating).toBe(true);
  });
});
