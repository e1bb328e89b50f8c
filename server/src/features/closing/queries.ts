import { and, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { bucketProposers, buckets, memberships, participants, rounds } from '../../db/schema.ts';
import type { Bucket, Round } from '../../domain/model.ts';

export async function roundPhaseAndKind(ex: Executor, roundId: string): Promise<Pick<Round, 'phase' | 'kind'> | undefined> {
  const [current] = await ex.select({ phase: rounds.phase, kind: rounds.kind }).from(rounds).where(eq(rounds.id, roundId));
  return current;
}

export async function roundPhase(ex: Executor, roundId: string): Promise<Pick<Round, 'phase'> | undefined> {
  const [round] = await ex.select({ phase: rounds.phase }).from(rounds).where(eq(rounds.id, roundId));
  return round;
}

/** One-off rounds in funding whose close date has come. */
export async function roundsDueToClose(ex: Executor, now: Date): Promise<string[]> {
  const due = await ex
    .select({ id: rounds.id })
    .from(rounds)
    .where(and(eq(rounds.phase, 'funding'), eq(rounds.kind, 'one_off'), lte(rounds.closesAt, now)))
    .orderBy(rounds.closesAt);
  return due.map((r) => r.id);
}

/** The round, closed, or undefined when it is not a one-off round in funding. */
export async function markRoundClosed(ex: Executor, roundId: string, now: Date): Promise<Round | undefined> {
  const [round] = await ex
    .update(rounds)
    .set({ phase: 'closed', closedAt: now, updatedAt: now })
    .where(and(eq(rounds.id, roundId), eq(rounds.phase, 'funding'), eq(rounds.kind, 'one_off')))
    .returning();
  return round;
}

// Every status change bumps funding_version: live clients keep the highest one per bucket.
const statusChange = (status: 'funded' | 'not_funded' | 'awaiting_board', now: Date) => ({
  status,
  fundingVersion: sql`${buckets.fundingVersion} + 1`,
  updatedAt: now,
});

/** The round's projects never opened for funding become `not_funded`. */
export function markUnopenedNotFunded(ex: Executor, roundId: string, now: Date): Promise<{ id: string }[]> {
  return ex
    .update(buckets)
    .set({ ...statusChange('not_funded', now), statusReason: 'Not open for funding when the round closed.' })
    .where(and(eq(buckets.roundId, roundId), inArray(buckets.status, ['draft', 'proposed'])))
    .returning({ id: buckets.id });
}

/** The round's open projects that reached their minimum become `funded`. */
export function markReachedMinimumFunded(ex: Executor, roundId: string, now: Date): Promise<{ id: string; fundedCents: number }[]> {
  return ex
    .update(buckets)
    .set(statusChange('funded', now))
    .where(and(eq(buckets.roundId, roundId), eq(buckets.status, 'open'), gte(buckets.fundedCents, buckets.minCents)))
    .returning({ id: buckets.id, fundedCents: buckets.fundedCents });
}

/** The round's open projects short of their minimum, by id. */
export function shortOpenBuckets(ex: Executor, roundId: string): Promise<{ id: string; fundedCents: number; minCents: number }[]> {
  return ex
    .select({ id: buckets.id, fundedCents: buckets.fundedCents, minCents: buckets.minCents })
    .from(buckets)
    .where(and(eq(buckets.roundId, roundId), eq(buckets.status, 'open'), lt(buckets.fundedCents, buckets.minCents)))
    .orderBy(buckets.id);
}

export async function markAwaitingBoard(ex: Executor, bucketId: string, now: Date): Promise<void> {
  await ex.update(buckets).set(statusChange('awaiting_board', now)).where(and(eq(buckets.id, bucketId), eq(buckets.status, 'open')));
}

export async function markMinimumNotReached(ex: Executor, bucketId: string, now: Date): Promise<void> {
  await ex
    .update(buckets)
    .set({ ...statusChange('not_funded', now), statusReason: 'Minimum not reached at the close.' })
    .where(and(eq(buckets.id, bucketId), eq(buckets.status, 'open')));
}

/** Conditional on `awaiting_board`: of two callers at once, one gets the bucket's id. */
export async function claimAwaitingBoard(ex: Executor, bucketId: string, reason: string, now: Date): Promise<{ id: string } | undefined> {
  const [claimed] = await ex
    .update(buckets)
    .set({ statusReason: reason, updatedAt: now })
    .where(and(eq(buckets.id, bucketId), eq(buckets.status, 'awaiting_board')))
    .returning({ id: buckets.id });
  return claimed;
}

export async function bucketStatus(ex: Executor, bucketId: string): Promise<Pick<Bucket, 'status'> | undefined> {
  const [current] = await ex.select({ status: buckets.status }).from(buckets).where(eq(buckets.id, bucketId));
  return current;
}

export async function settleAwaitingBoard(ex: Executor, bucketId: string, status: 'funded' | 'not_funded', now: Date): Promise<Bucket | undefined> {
  const [bucket] = await ex
    .update(buckets)
    .set({ status, fundingVersion: sql`${buckets.fundingVersion} + 1`, updatedAt: now })
    .where(and(eq(buckets.id, bucketId), eq(buckets.status, 'awaiting_board')))
    .returning();
  return bucket;
}

/** Whether the member's membership is active, or undefined when they do not take part in the round. */
export async function participantActive(ex: Executor, roundId: string, membershipId: string): Promise<{ active: boolean } | undefined> {
  const [participant] = await ex
    .select({ active: memberships.active })
    .from(participants)
    .innerJoin(memberships, eq(memberships.id, participants.membershipId))
    .where(and(eq(participants.roundId, roundId), eq(participants.membershipId, membershipId)));
  return participant;
}

export async function isAcceptedProposerOf(ex: Executor, bucketId: string, membershipId: string): Promise<boolean> {
  const [proposer] = await ex
    .select({ status: bucketProposers.status })
    .from(bucketProposers)
    .where(and(eq(bucketProposers.bucketId, bucketId), eq(bucketProposers.membershipId, membershipId), eq(bucketProposers.status, 'accepted')));
  return proposer !== undefined;
}

const inPermanentFunding = sql`EXISTS (SELECT 1 FROM rounds r WHERE r.id = ${buckets.roundId} AND r.kind = 'permanent' AND r.phase = 'funding')`;

/** The project, `funded`, or undefined unless it is open in a permanent round in funding and reached its minimum. */
export async function markFundingEnded(ex: Executor, bucketId: string, reason: string | null, now: Date): Promise<Bucket | undefined> {
  const [ended] = await ex
    .update(buckets)
    .set({ status: 'funded', fundingEndedAt: now, statusReason: reason, fundingVersion: sql`${buckets.fundingVersion} + 1`, updatedAt: now })
    .where(and(eq(buckets.id, bucketId), eq(buckets.status, 'open'), gte(buckets.fundedCents, buckets.minCents), inPermanentFunding))
    .returning();
  return ended;
}

export async function bucketWithRound(ex: Executor, bucketId: string): Promise<{ bucket: Bucket; round: Round } | undefined> {
  const [current] = await ex.select({ bucket: buckets, round: rounds }).from(buckets).innerJoin(rounds, eq(rounds.id, buckets.roundId)).where(eq(buckets.id, bucketId));
  return current;
}

/**
 * The open projects of permanent rounds in funding (of one round, or of all when `roundId` is
 * null) that are full become `funded`; rows another transaction holds are skipped.
 */
export async function markFullBucketsFunded(ex: Executor, roundId: string | null, now: Date): Promise<{ id: string; round_id: string; funded_cents: number }[]> {
  const onlyRound = roundId ? sql`AND r.id = ${roundId}` : sql``;
  const at = now.toISOString();
  return (await ex.execute(sql`
      WITH full_buckets AS (
        SELECT b.id FROM buckets b JOIN rounds r ON r.id = b.round_id
        WHERE r.kind = 'permanent' AND r.phase = 'funding' AND b.status = 'open' AND b.funded_cents = b.max_cents ${onlyRound}
        ORDER BY b.id
        FOR UPDATE OF b SKIP LOCKED
      )
      UPDATE buckets b SET status = 'funded', funding_ended_at = ${at}::timestamptz, funding_version = b.funding_version + 1,
        updated_at = ${at}::timestamptz
      FROM full_buckets f WHERE b.id = f.id AND b.status = 'open' AND b.funded_cents = b.max_cents
      RETURNING b.id, b.round_id, b.funded_cents`)).rows as { id: string; round_id: string; funded_cents: number }[];
}
