/**
 * What changed in a round, announced after the transaction that changed it commits (never
 * inside it). The live hub listens and pushes fresh state; nothing else depends on it.
 */
export type RoundChange = {
  roundId: string;
  /** Buckets whose funding state, status or details changed. */
  bucketIds?: string[];
  /** Memberships whose balance or allocations changed (their `me` message). */
  membershipIds?: string[];
  /** The round itself changed: phase, rules, close results. */
  round?: boolean;
};

export type ChangeListener = (change: RoundChange) => void;

export type Changes = { emit: (change: RoundChange) => void; subscribe: (listener: ChangeListener) => () => void };

export function makeChanges(): Changes {
  const listeners = new Set<ChangeListener>();
  return {
    emit: (change) => {
      for (const listener of listeners) listener(change);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
