import { z } from 'zod';
import { Cents } from './money.ts';
import { Id, Locale, Timestamp } from './common.ts';
import { FundingStateName } from './funding.ts';
import { BucketStatus } from './bucket-status.ts';
import { RoundKind, RoundPhase } from './rounds.ts';

/**
 * The live protocol of `GET /api/rounds/:roundId/live` (see docs/live-protocol.md). The server
 * pushes absolute state, never events: a client keeps, per bucket, the state with the highest
 * `fundingVersion` (and per member the `me` with the highest `version`), so a lost, duplicated or
 * reordered message is harmless, and a reconnect is simply a new snapshot.
 */


/** A bucket as the board shows it: its stored totals plus the derived `fundingState()`. */
export const LiveBucket = z
  .object({
    bucketId: Id,
    title: z.string(),
    status: BucketStatus,
    fundedCents: Cents,
    minCents: Cents,
    maxCents: Cents,
    contributors: z.number().int().min(0),
    /** Grows with every change of this bucket's money; keep the highest one seen. */
    fundingVersion: z.number().int().min(0),
    state: FundingStateName,
    shareOfMinimumBp: z.number().int(),
    roomLeftCents: Cents,
    missingToMinimumCents: Cents,
  })
  .meta({ id: 'LiveBucket' });
export type LiveBucket = z.infer<typeof LiveBucket>;

export const LiveRoundTotals = z.object({
  /** Members holding an allowance in this round. */
  participants: z.number().int().min(0),
  allowanceCents: Cents,
  /** Money currently in buckets (Σ allocated = Σ funded of every bucket). */
  allocatedCents: Cents,
  /**
   * Money in buckets whose status is `funded` or `completed`: after the close, what goes ahead.
   * Not Σ of the buckets' `fundedCents` (that is `allocatedCents`).
   */
  inFundedBucketsCents: Cents,
});
export type LiveRoundTotals = z.infer<typeof LiveRoundTotals>;

export const LiveRound = z
  .object({
    roundId: Id,
    title: z.string(),
    phase: RoundPhase,
    kind: RoundKind,
    currency: z.string(),
    /** The organisation's language, for formatting amounts and dates. */
    locale: Locale,
    nearlyFundedPercent: z.number().int(),
    closesAt: Timestamp.nullable(),
    closedAt: Timestamp.nullable(),
    /** As of this message; between `round` messages, Σ `fundedCents` of the buckets is the allocated total. */
    totals: LiveRoundTotals,
    /**
     * A vote round's turnout: voters whose ballot holds at least one choice. Sent even while the
     * round hides its counts (then every bucket's `contributors` stays 0). Null in other rounds.
     */
    ballots: z.number().int().min(0).nullable(),
  })
  .meta({ id: 'LiveRound' });
export type LiveRound = z.infer<typeof LiveRound>;

/** What `GET /api/rounds/:roundId/board` returns and a `snapshot` carries. */
export const LiveBoard = z
  .object({
    round: LiveRound,
    /** Every bucket of the round except drafts, oldest first. */
    buckets: z.array(LiveBucket),
  })
  .meta({ id: 'LiveBoard' });
export type LiveBoard = z.infer<typeof LiveBoard>;

export const LiveSnapshot = LiveBoard.extend({ type: z.literal('snapshot') });

export const LiveFrame = z.object({
  type: z.literal('frame'),
  roundId: Id,
  /** Only the buckets that changed since the previous frame. */
  buckets: z.array(LiveBucket),
  /** Buckets no longer shown (back to draft): drop them. */
  removedBucketIds: z.array(Id),
});

export const LiveAllocation = z.object({ bucketId: Id, amountCents: Cents });

/** The member's own balance; only their own sockets receive it. */
export const LiveMe = z.object({
  type: z.literal('me'),
  roundId: Id,
  allowanceCents: Cents,
  allocatedCents: Cents,
  remainingCents: Cents,
  allocations: z.array(LiveAllocation),
  /** The participant's version: keep the highest one seen. */
  version: z.number().int().min(0),
});

export const LiveRoundMessage = z.object({ type: z.literal('round'), round: LiveRound });

export const LivePong = z.object({ type: z.literal('pong') });

export const LiveServerMessage = z.discriminatedUnion('type', [LiveSnapshot, LiveFrame, LiveMe, LiveRoundMessage, LivePong]);
export type LiveServerMessage = z.infer<typeof LiveServerMessage>;
export type LiveSnapshot = z.infer<typeof LiveSnapshot>;
export type LiveFrame = z.infer<typeof LiveFrame>;
export type LiveMe = z.infer<typeof LiveMe>;
export type LiveRoundMessage = z.infer<typeof LiveRoundMessage>;

export const LiveClientMessage = z.discriminatedUnion('type', [z.object({ type: z.literal('ping') })]);
export type LiveClientMessage = z.infer<typeof LiveClientMessage>;

/** Close codes the server uses besides the standard ones (1001 going away, 1008 policy). */
export const LiveCloseCode = {
  /** The client did not read fast enough: reconnect, you will get a fresh snapshot. */
  tooSlow: 4008,
  /** The session ended (sign-out, revoked projector link, membership deactivated): do not reconnect with it. */
  sessionEnded: 4001,
} as const;

/** The reason a close frame carries with those codes: a client tells a revoked projector link apart by it. */
export const LiveCloseReason = {
  tooSlow: 'too slow: reconnect for a fresh snapshot',
  sessionEnded: 'session ended',
  projectorLinkRevoked: 'projector link revoked',
} as const;
export type LiveCloseReason = (typeof LiveCloseReason)[keyof typeof LiveCloseReason];

/** Why the server closed a socket for good, read from its close frame; null when a reconnect may help. */
export function liveEndOf(close: { code: number; reason: string }): 'link_revoked' | 'session_ended' | null {
  if (close.code !== LiveCloseCode.sessionEnded) return null;
  return close.reason === LiveCloseReason.projectorLinkRevoked ? 'link_revoked' : 'session_ended';
}

export const LiveTicket = z
  .object({
    /** Single use, valid 30 seconds: open `…/live?ticket=` with it. */
    ticket: z.string(),
    expiresAt: Timestamp,
  })
  .meta({ id: 'LiveTicket' });
export type LiveTicket = z.infer<typeof LiveTicket>;

export const LiveQuery = z.object({ ticket: z.string().min(20).max(200).optional() });
export const LiveRoundParams = z.object({ roundId: Id });
