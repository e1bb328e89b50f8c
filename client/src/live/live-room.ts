import { computed, effectScope, ref, shallowReadonly, shallowRef, watch, type EffectScope, type Ref } from 'vue';
import type { AllocationResult, BucketFunding, LiveBoard, LiveBucket, LiveFrame, LiveMe, LiveRound, MyRound } from '@cagnotte/shared';
import { roundsApi } from '../api/rounds.ts';
import { liveApi } from '../api/live.ts';
import { mergeFrame, mergeSnapshot } from './board-state.ts';
import { useRoundLive, type LiveEnd, type LiveStatus } from './useRoundLive.ts';

/** My balance in a round and my amount per project, as the newest message said. */
export type MyBalance = {
  allowanceCents: number;
  allocatedCents: number;
  remainingCents: number;
  version: number;
  participating: boolean;
  allocations: ReadonlyMap<string, number>;
};

/** A project that just crossed its minimum: every screen marks it once. */
export type Milestone = { bucketId: string; title: string; at: number };

/**
 * One round as the signed-in member follows it: the board (every project's funding state), my
 * balance, the socket's state. Shared by every page of the round, so going from the round to a
 * project and back keeps one socket and one state. Every source — the first GETs, the socket's
 * snapshots, frames and `me`, and the replies to my own allocations — is merged by version, so
 * whichever arrives last, the newest state wins.
 */
export class LiveRoom {
  readonly round = shallowRef<LiveRound | null>(null);
  readonly buckets = shallowRef<readonly LiveBucket[]>([]);
  readonly me = shallowRef<MyBalance | null>(null);
  readonly milestones = ref<Milestone[]>([]);
  readonly loadError = ref<unknown>(null);
  status: Readonly<Ref<LiveStatus>> = ref('idle');
  ended: Readonly<Ref<LiveEnd | null>> = ref(null);
  followers = 0;
  private scope: EffectScope | null = null;

  constructor(readonly roundId: string) {}

  readonly byId = computed(() => new Map(this.buckets.value.map((b) => [b.bucketId, b])));

  start() {
    if (this.scope) return;
    this.scope = effectScope(true);
    this.scope.run(() => {
      const live = useRoundLive(this.roundId, {
        snapshot: (board) => this.applyBoard(board),
        frame: (frame) => this.applyFrame(frame),
        round: (round) => (this.round.value = round),
        me: (me) => this.applyMe(me),
      });
      this.status = live.status;
      this.ended = live.ended;
    });
    void this.load();
  }

  stop() {
    this.scope?.stop();
    this.scope = null;
  }

  /** The first paint, before the socket's snapshot (and after a reload). */
  async load() {
    // The board matters to everyone; my balance only to participants: one failing must not hide the other.
    const [board, mine] = await Promise.allSettled([liveApi.board(this.roundId), roundsApi.mine(this.roundId)]);
    if (board.status === 'fulfilled') this.applyBoard(board.value);
    if (mine.status === 'fulfilled') this.applyMine(mine.value);
    this.loadError.value = board.status === 'rejected' ? board.reason : null;
  }

  applyBoard(board: LiveBoard) {
    this.round.value = board.round;
    this.noteMilestones(mergeSnapshot(this.buckets.value, board.buckets), false);
  }

  applyFrame(frame: Pick<LiveFrame, 'buckets' | 'removedBucketIds'>) {
    this.noteMilestones(mergeFrame(this.buckets.value, frame), true);
  }

  /** What `PUT …/allocation` answered: the project's funding and my balance, each kept if newer. */
  applyAllocation(result: AllocationResult) {
    this.applyFunding(result.bucket);
    const held = this.me.value;
    if (held && held.version >= result.balance.version) return;
    const allocations = new Map(held?.allocations ?? []);
    allocations.set(result.bucketId, result.amountCents);
    this.me.value = { ...result.balance, participating: true, allocations };
  }

  /** A project's funding from a reply (mine, or staff entering a paper ballot), kept if newer. */
  applyFunding(funding: BucketFunding) {
    const next = this.buckets.value.map((b) =>
      b.bucketId === funding.bucketId && funding.fundingVersion > b.fundingVersion ? { ...b, ...funding } : b,
    );
    this.noteMilestones(next, true);
  }

  applyMine(mine: MyRound) {
    if (this.me.value && this.me.value.version > mine.version) return;
    this.me.value = { ...mine, allocations: new Map(mine.allocations.map((a) => [a.bucketId, a.amountCents])) };
  }

  applyMe(me: LiveMe) {
    if (this.me.value && this.me.value.version > me.version) return;
    // A member without an allowance gets zeros at version 0 (no participant row yet): not a participant.
    this.me.value = { ...me, participating: me.version > 0, allocations: new Map(me.allocations.map((a) => [a.bucketId, a.amountCents])) };
  }

  /** Replaces the buckets; with `live`, a project crossing its minimum becomes a milestone. */
  private noteMilestones(next: readonly LiveBucket[], live: boolean) {
    if (live) {
      const before = this.byId.value;
      for (const bucket of next) {
        const held = before.get(bucket.bucketId);
        if (held && held.fundedCents < held.minCents && bucket.fundedCents >= bucket.minCents && bucket.minCents > 0) {
          this.milestones.value = [...this.milestones.value.slice(-19), { bucketId: bucket.bucketId, title: bucket.title, at: Date.now() }];
        }
      }
    }
    this.buckets.value = next;
  }
}

const rooms = new Map<string, LiveRoom>();
/** How long a room outlives its last page, so that round → project → round keeps its socket. */
const LINGER_MS = 15_000;
const lingering = new Map<string, ReturnType<typeof setTimeout>>();

/**
 * Follows a round for as long as the calling component lives (or until `roundId` changes):
 * `room.value` is that round's LiveRoom.
 */
export function useLiveRoom(roundId: Ref<string | null> | (() => string | null)) {
  const room = shallowRef<LiveRoom | null>(null);
  const scope = effectScope();
  scope.run(() => {
    watch(
      roundId,
      (id, _old, onCleanup) => {
        if (!id) {
          room.value = null;
          return;
        }
        clearTimeout(lingering.get(id));
        lingering.delete(id);
        let held = rooms.get(id);
        if (!held) {
          held = new LiveRoom(id);
          rooms.set(id, held);
        }
        const current = held;
        current.followers++;
        current.start();
        room.value = current;
        onCleanup(() => {
          current.followers--;
          if (current.followers > 0) return;
          lingering.set(
            id,
            setTimeout(() => {
              if (current.followers > 0) return;
              current.stop();
              rooms.delete(id);
              lingering.delete(id);
            }, LINGER_MS),
          );
        });
      },
      { immediate: true },
    );
  });
  // Shallow: a deep `readonly()` would unwrap the room's refs (`room.value.me` would be the balance
  // itself, not its ref), and every `room.value?.me.value` would read `.value` of a plain object.
  return { room: shallowReadonly(room), stop: () => scope.stop() };
}
