import { defineStore } from 'pinia';
import { computed, readonly, ref } from 'vue';
import type { LiveBoard, LiveBucket, LiveFrame, LiveRound } from '@cagnotte/shared';
import { api } from '../api.ts';
import { boardOrder, isFunded, isInTheRunning, mergeFrame, mergeSnapshot, reachedMinimum } from '../live/board-state.ts';

/** A project that reached its minimum while the board was watching: the projector celebrates it. */
export type Celebration = { id: number; bucketId: string; title: string; fundedCents: number; minCents: number };

/** One round's funding board, as the live socket keeps it: the projector's whole state. */
export const useBoardStore = defineStore('board', () => {
  const round = ref<LiveRound | null>(null);
  const buckets = ref<LiveBucket[]>([]);

  const rows = computed(() => boardOrder(buckets.value));
  /** Between `round` messages the buckets are the fresher source of the allocated total. */
  const allocatedCents = computed(() => buckets.value.reduce((sum, b) => sum + b.fundedCents, 0));
  const contenders = computed(() => buckets.value.filter(isInTheRunning).length);
  const fundedCount = computed(() => buckets.value.filter(isFunded).length);
  const atMinimumCount = computed(() => buckets.value.filter((b) => isInTheRunning(b) && b.fundedCents >= b.minCents).length);
  /** Waiting to be celebrated, oldest first; the view dismisses each one once shown. */
  const celebrations = ref<Celebration[]>([]);
  let celebrated = 0;

  /** Replaces the buckets, queuing a celebration for each project that just reached its minimum during funding. */
  function update(next: LiveBucket[]) {
    if (round.value?.phase === 'funding') {
      for (const b of reachedMinimum(buckets.value, next)) {
        celebrations.value.push({ id: ++celebrated, bucketId: b.bucketId, title: b.title, fundedCents: b.fundedCents, minCents: b.minCents });
      }
    }
    buckets.value = next;
  }
  function dismissCelebration(id: number) {
    celebrations.value = celebrations.value.filter((c) => c.id !== id);
  }

  function applySnapshot(board: LiveBoard) {
    round.value = board.round;
    update(mergeSnapshot(buckets.value, board.buckets));
  }
  function applyFrame(frame: Pick<LiveFrame, 'roundId' | 'buckets' | 'removedBucketIds'>) {
    if (round.value && frame.roundId !== round.value.roundId) return;
    update(mergeFrame(buckets.value, frame));
  }
  function applyRound(next: LiveRound) {
    if (round.value && next.roundId !== round.value.roundId) return;
    round.value = next;
  }
  /** The first paint, before the socket's snapshot. */
  async function load(roundId: string) {
    if (round.value?.roundId !== roundId) reset();
    applySnapshot(await api.board(roundId));
  }
  function reset() {
    round.value = null;
    buckets.value = [];
    celebrations.value = [];
  }

  return {
    round: readonly(round),
    buckets: readonly(buckets),
    rows,
    allocatedCents,
    contenders,
    fundedCount,
    atMinimumCount,
    celebrations: readonly(celebrations),
    dismissCelebration,
    applySnapshot,
    applyFrame,
    applyRound,
    load,
    reset,
  };
});
