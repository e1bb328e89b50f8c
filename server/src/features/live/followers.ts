import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { Encoded } from './delivery.ts';
import { emptySentState, type SentState } from './sent-state.ts';

/** Who is behind a socket, decided before the upgrade. */
export type LiveViewer = { roundId: string; sessionId: string; membershipId: string | null; projectorLinkId: string | null };

/** One socket following one round. */
export type Follower = LiveViewer & {
  socket: WebSocket;
  /** Answered since the last heartbeat (a pong or any message). */
  alive: boolean;
  /** Messages held while this socket's snapshot is being read, so that the snapshot goes first; null once it went. */
  held: Encoded[] | null;
  /** The TCP socket our frames are written to directly, or null to go through ws (see `wireOf`). */
  wire: Socket | null;
};

/** The followers of one round on this instance, by member too, and what they were all sent. */
export type FollowedRound = { followers: Set<Follower>; byMember: Map<string, Set<Follower>>; sent: SentState };

export type Followers = ReturnType<typeof makeFollowers>;

/** Which sockets follow which round: the registry, and nothing else. */
export function makeFollowers() {
  const rounds = new Map<string, FollowedRound>();

  return {
    add(follower: Follower): FollowedRound {
      let round = rounds.get(follower.roundId);
      if (!round) rounds.set(follower.roundId, (round = { followers: new Set(), byMember: new Map(), sent: emptySentState() }));
      round.followers.add(follower);
      if (follower.membershipId) {
        let mine = round.byMember.get(follower.membershipId);
        if (!mine) round.byMember.set(follower.membershipId, (mine = new Set()));
        mine.add(follower);
      }
      return round;
    },

    /** Forgets a follower; true if it was the round's last one (the round is then no longer followed). */
    remove(follower: Follower): { removed: boolean; roundEmptied: boolean } {
      const round = rounds.get(follower.roundId);
      if (!round?.followers.delete(follower)) return { removed: false, roundEmptied: false };
      if (follower.membershipId) {
        const mine = round.byMember.get(follower.membershipId);
        mine?.delete(follower);
        if (mine?.size === 0) {
          round.byMember.delete(follower.membershipId);
          round.sent.members.delete(follower.membershipId);
        }
      }
      if (round.followers.size > 0) return { removed: true, roundEmptied: false };
      rounds.delete(follower.roundId);
      return { removed: true, roundEmptied: true };
    },

    has: (follower: Follower): boolean => rounds.get(follower.roundId)?.followers.has(follower) ?? false,
    round: (roundId: string): FollowedRound | undefined => rounds.get(roundId),
    follows: (roundId: string): boolean => rounds.has(roundId),
    rounds: (): IterableIterator<[string, FollowedRound]> => rounds.entries(),
    roundIds: (): string[] => [...rounds.keys()],
    all: (): Follower[] => [...rounds.values()].flatMap((round) => [...round.followers]),
    size: (): number => rounds.size,
    /** Sockets of a round (or of all rounds) on this instance. */
    count: (roundId?: string): number =>
      roundId ? (rounds.get(roundId)?.followers.size ?? 0) : [...rounds.values()].reduce((n, round) => n + round.followers.size, 0),
    clear: (): void => rounds.clear(),
  };
}
