import type { LiveFrame, LiveMe } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import type { Delivery, Encoded } from './delivery.ts';
import { encode } from './delivery.ts';
import type { FollowedRound, Follower } from './followers.ts';
import type { PendingChanges } from './pending-changes.ts';
import { isVisible, readBoard, readFrame, readMe, readRound, toLiveBucket } from './queries.ts';
import { fundingStamp, recordBoard } from './sent-state.ts';

/** Per socket, what this frame sends it, in order: then each socket gets one write. */
type Outbox = Map<Follower, Encoded[]>;

function toAll(outbox: Outbox, round: FollowedRound, data: Encoded): void {
  for (const follower of round.followers) {
    const box = outbox.get(follower);
    if (box) box.push(data);
    else outbox.set(follower, [data]);
  }
}

function toMember(outbox: Outbox, round: FollowedRound, membershipId: string, data: Encoded): void {
  for (const follower of round.byMember.get(membershipId) ?? []) {
    const box = outbox.get(follower);
    if (box) box.push(data);
    else outbox.set(follower, [data]);
  }
}

/**
 * One round's frame: reads what its pending changes name in one statement (buckets and `me`s;
 * the round's own row beside it when the round changed), builds each message once, records
 * what was sent, then gives every socket its messages in one write.
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

  const members = [...pending.membershipIds].filter((id) => round.byMember.has(id));
  const wantsBuckets = pending.round || pending.bucketIds.size > 0;
  const [liveRound, read] = await Promise.all([
    pending.round ? readRound(db, roundId) : undefined,
    wantsBuckets || members.length > 0
      ? readFrame(db, roundId, { bucketIds: pending.round ? 'all' : [...pending.bucketIds], membershipIds: members })
      : undefined,
  ]);
  if (pending.round && !liveRound) return options.ended();
  if ((wantsBuckets || members.length > 0) && !read) return options.ended();
  if (liveRound) {
    round.sent.phase = liveRound.phase;
    toAll(outbox, round, encode({ type: 'round', round: liveRound }));
  }
  if (read && wantsBuckets) {
    const frame: LiveFrame = { type: 'frame', roundId, buckets: [], removedBucketIds: [] };
    const seen = new Set<string>();
    for (const row of read.buckets) {
      seen.add(row.bucketId);
      const before = round.sent.buckets.get(row.bucketId);
      const named = pending.bucketIds.has(row.bucketId);
      if (isVisible(row.status)) {
        // On a round-wide re-read, only what actually moved goes out.
        if (!named && before === fundingStamp(row)) continue;
        frame.buckets.push(toLiveBucket(row, read.nearlyFundedPercent));
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
  addMes(outbox, round, read?.mes);
  flushOutbox(outbox, delivery);
}

const readMes = (db: Db, roundId: string, membershipIds: string[]) =>
  membershipIds.length === 0 ? undefined : readMe(db, roundId, membershipIds);

function addMes(outbox: Outbox, round: FollowedRound, mes: Map<string, LiveMe> | undefined): void {
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
