import type { LiveBoard } from '@cagnotte/shared';

/**
 * A bucket's funding version and status as one comparable value: when either moved, the
 * sockets must hear of the bucket again.
 */
export type FundingStamp = string;
export const fundingStamp = (bucket: { fundingVersion: number; status: string }): FundingStamp => `${bucket.fundingVersion}:${bucket.status}`;

/**
 * What every socket of a round has been sent: the sweep compares the database against it,
 * and a round-wide re-read sends only what differs from it.
 */
export type SentState = {
  /** False until the round's first snapshot was read; nothing is compared before. */
  seeded: boolean;
  phase: string;
  buckets: Map<string, FundingStamp>;
  /** The `me` version each followed member was sent. */
  members: Map<string, number>;
};

export const emptySentState = (): SentState => ({ seeded: false, phase: '', buckets: new Map(), members: new Map() });

/** What a snapshot of the board says was sent (members are kept: their `me` goes separately). */
export function recordBoard(sent: SentState, board: LiveBoard): void {
  sent.seeded = true;
  sent.phase = board.round.phase;
  sent.buckets = new Map(board.buckets.map((b) => [b.bucketId, fundingStamp(b)]));
}
