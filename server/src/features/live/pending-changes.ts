import type { RoundChange } from './changes.ts';

/** What of one round must be read again and pushed at the next frame. */
export type PendingChanges = { bucketIds: Set<string>; membershipIds: Set<string>; round: boolean; everything: boolean };

/** Pending changes by round: changes only add ids here; a frame takes them all at once. */
export type PendingByRound = Map<string, PendingChanges>;

export function pendingOf(map: PendingByRound, roundId: string): PendingChanges {
  let pending = map.get(roundId);
  if (!pending) map.set(roundId, (pending = { bucketIds: new Set(), membershipIds: new Set(), round: false, everything: false }));
  return pending;
}

export function addChange(map: PendingByRound, change: RoundChange): void {
  const pending = pendingOf(map, change.roundId);
  for (const id of change.bucketIds ?? []) pending.bucketIds.add(id);
  for (const id of change.membershipIds ?? []) pending.membershipIds.add(id);
  if (change.round) pending.round = true;
}
