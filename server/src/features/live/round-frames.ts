import type { LiveFrame } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import type { Delivery } from './delivery.ts';
import { encode } from './delivery.ts';
import type { FollowedRound, Follower } from './followers.ts';
import type { PendingChanges } from './pending-changes.ts';
import { isVisible, readBoard, readBuckets, readMe, readRound, toLiveBucket } from './queries.ts';
import { fundingStamp, recordBoard } from './sent-state.ts';

/** Per socket, what this frame sends it, in order: then each socket gets one write. */
type Outbox = Map<Follower, Buffer[]>;

function toAll(outbox: Outbox, round: FollowedRound, data: Buffer): void {
  for (const follower of round.followers) {
    const box = outbox.get(follower);
    if (box) box.push(data);
    else outbox.set(follower, [data]);
  }
}

function toMember(outbox: Outbox, round: FollowedRound, membershipId: string, data: Buffer): void {
  for (const follower of round.byMember.get(membershipId) ?? []) {
    const box = outbox.get(follower);
    if (box) box.push(data);
    else outbox.set(follower, [data]);
  }
}

/**
 * One round's frame: reads what its pending changes name, in as few statements as it takes
 * (round, buckets and `me`s concurrently), builds each message once, records what was sent,
 * then gives every socket its messages in one write.
 */
export async function sendRoundFrame(options: {
  db: Db;
  roundId: string;
  round: FollowedRound;
  pending: PendingChanges;
  delivery: Delivery;
  /** The round is gone: its sockets are closed. */
  ended: () => void;
}): Promise<void> {
  const { db, roundId, round, pending, delivery } = options;
  const outbox: Outbox = new Map();

  if (pending.everything) {
    const [board, mes] = await Promise.all([readBoard(db, roundId), readMes(db, roundId, [...round.byMember.keys()])]);
    if (!board) return options.ended();
    recordBoard(round.sent, board);
    toAll(outbox, round, encode({ type: 'snapshot', ...board }));
    addMes(outbox, round, mes);
    return flushOutbox(outbox, delivery);
  }

  const wanted = pending.round ? 'all' : [...pending.bucketIds];
  const members = [...pending.membershipIds].filter((id) => round.byMember.has(id));
  const [liveRound, bucketRead, mes] = await Promise.all([
    pending.round ? readRound(db, roundId) : undefined,
    wanted === 'all' || wanted.length > 0 ? readBuckets(db, roundId, wanted) : undefined,
    readMes(db, roundId, members),
  ]);
  if (pending.round) {
    if (!liveRound) return options.ended();
    round.sent.phase = liveRound.phase;
    toAll(outbox, round, encode({ type: 'round', round: liveRound }));
  }
  if (bucketRead) {
    const frame: LiveFrame = { type: 'frame', roundId, buckets: [], removedBucketIds: [] };
    const seen = new Set<string>();
    for (const row of bucketRead.rows) {
      seen.add(row.bucketId);
      const before = round.sent.buckets.get(row.bucketId);
      const named = pending.bucketIds.has(row.bucketId);
      if (isVisible(row.status)) {
        // On a round-wide re-read, only what actually moved goes out.
        if (!named && before === fundingStamp(row)) continue;
        frame.buckets.push(toLiveBucket(row, bucketRead.nearlyFundedPercent));
        round.sent.buckets.set(row.bucketId, fundingStamp(row));
      } else if (before !== undefined) {
        frame.removedBucketIds.push(row.bucketId);
        round.sent.buckets.delete(row.bucketId);
      }
    }
    for (const id of pending.bucketIds) {
      if (!seen.has(id) && round.sent.buckets.delete(id)) frame.removedBucketIds.push(id);
    }
    if (frame.buckets.length > 0 || frame.removedBucketIds.length > 0) toAll(outbox, round, encode(frame));
  }
  addMes(outbox, round, mes);
  flushOutbox(outbox, delivery);
}

const readMes = (db: Db, roundId: string, membershipIds: string[]) =>
  membershipIds.length === 0 ? undefined : readMe(db, roundId, membershipIds);

function addMes(outbox: Outbox, round: FollowedRound, mes: Awaited<ReturnType<typeof readMes>>): void {
  for (const [membershipId, me] of mes ?? []) {
    // A member whose last socket left meanwhile is no longer followed.
    if (!round.byMember.has(membershipId)) continue;
    toMember(outbox, round, membershipId, encode(me));
    round.sent.members.set(membershipId, me.version);
  }
}

function flushOutbox(outbox: Outbox, delivery: Delivery): void {
  for (const [follower, messages] of outbox) delivery.sendAll(follower, messages);
}
