import type { Db } from '../../db/client.ts';
import type { Follower, Followers } from './followers.ts';
import { pendingOf, type PendingByRound } from './pending-changes.ts';
import { isVisible, readEnded, readVersions } from './queries.ts';
import { fundingStamp } from './sent-state.ts';

type Versions = Awaited<ReturnType<typeof readVersions>>;

/**
 * Where the database moved past what the sockets were sent: marks those ids pending. Only for
 * rounds whose first snapshot was read (before it, nothing was sent to compare with).
 */
export function markDrift(followers: Followers, versions: Versions, pending: PendingByRound): void {
  const present = new Map<string, Set<string>>();
  for (const row of versions.bucketRows) {
    const round = followers.round(row.roundId);
    if (!round?.sent.seeded) continue;
    let ids = present.get(row.roundId);
    if (!ids) present.set(row.roundId, (ids = new Set()));
    ids.add(row.bucketId);
    const before = round.sent.buckets.get(row.bucketId);
    if (before === undefined ? isVisible(row.status) : before !== fundingStamp(row)) pendingOf(pending, row.roundId).bucketIds.add(row.bucketId);
  }
  for (const [roundId, round] of followers.rounds()) {
    if (!round.sent.seeded) continue;
    for (const id of round.sent.buckets.keys()) if (!present.get(roundId)?.has(id)) pendingOf(pending, roundId).bucketIds.add(id);
  }
  for (const row of versions.roundRows) {
    const round = followers.round(row.roundId);
    if (round?.sent.seeded && round.sent.phase !== row.phase) pendingOf(pending, row.roundId).round = true;
  }
  for (const row of versions.memberRows) {
    const round = followers.round(row.roundId);
    const before = round?.sent.members.get(row.membershipId);
    if (round?.byMember.has(row.membershipId) && before !== undefined && before !== row.version) pendingOf(pending, row.roundId).membershipIds.add(row.membershipId);
  }
}

/**
 * The slow catch-up pass: compares the database with what the sockets were sent (a lost
 * notification is a delay, not a loss) and finds sockets whose session or membership ended.
 */
export async function sweepOnce(options: {
  db: Db;
  now: () => Date;
  followers: Followers;
  pending: PendingByRound;
  ended: (follower: Follower) => void;
}): Promise<void> {
  const { db, followers } = options;
  const roundIds = followers.roundIds();
  const all = followers.all();
  const memberIds = [...new Set(all.flatMap((f) => (f.membershipId ? [f.membershipId] : [])))];
  const sessionIds = [...new Set(all.map((f) => f.sessionId))];
  const [versions, ended] = await Promise.all([readVersions(db, roundIds, memberIds), readEnded(db, sessionIds, memberIds, options.now())]);
  for (const follower of all) {
    if (ended.sessionIds.has(follower.sessionId) || (follower.membershipId && ended.membershipIds.has(follower.membershipId))) options.ended(follower);
  }
  markDrift(followers, versions, options.pending);
}
