import { and, asc, count, eq, inArray, notInArray, or, sql } from 'drizzle-orm';
import type { ProposerStatus, RoundFlagsState } from '@cagnotte/shared';
import type { Executor } from '../../db/client.ts';
import { bucketProposers, buckets, criteria, criterionFlags, memberships, people } from '../../db/schema.ts';

/** Statuses whose discussion is over (see `discussionState`): their flags can no longer be answered. */
const DISCUSSION_ENDED = ['merged', 'withdrawn', 'rejected'] as const;

/**
 * How many flags each bucket of a round has on each criterion, for the buckets flagged at least
 * once: the buckets in the order of their first flag, their criteria in the grid's order.
 */
export async function flagCountsInRound(ex: Executor, roundId: string, state: RoundFlagsState) {
  const inRound = eq(buckets.roundId, roundId);
  return ex
    .select({
      bucketId: buckets.id,
      title: buckets.title,
      status: buckets.status,
      criterionId: criteria.id,
      position: criteria.position,
      criterionTitle: criteria.title,
      flags: count(criterionFlags.id),
    })
    .from(criterionFlags)
    .innerJoin(buckets, eq(buckets.id, criterionFlags.bucketId))
    .innerJoin(criteria, eq(criteria.id, criterionFlags.criterionId))
    .where(state === 'open' ? and(inRound, notInArray(buckets.status, [...DISCUSSION_ENDED])) : inRound)
    .groupBy(buckets.id, criteria.id)
    .orderBy(sql`min(min(${criterionFlags.createdAt})) over (partition by ${buckets.id})`, asc(buckets.id), asc(criteria.position));
}

/** The caller's place on each bucket of the round they are a proposer of (invited or accepted). */
export async function proposerStatusesInRound(ex: Executor, roundId: string, membershipId: string): Promise<Map<string, ProposerStatus>> {
  const rows = await ex
    .select({ bucketId: bucketProposers.bucketId, status: bucketProposers.status })
    .from(bucketProposers)
    .innerJoin(buckets, eq(buckets.id, bucketProposers.bucketId))
    .where(and(eq(buckets.roundId, roundId), eq(bucketProposers.membershipId, membershipId)));
  return new Map(rows.map((row) => [row.bucketId, row.status]));
}

/** The flags of `everyFlagOf` buckets, and only `authorId`'s own on `ownFlagsOf`, with their authors' names, oldest first. */
export async function flagsOfBuckets(ex: Executor, { everyFlagOf, ownFlagsOf, authorId }: { everyFlagOf: string[]; ownFlagsOf: string[]; authorId: string }) {
  const scopes = [
    everyFlagOf.length > 0 ? inArray(criterionFlags.bucketId, everyFlagOf) : undefined,
    ownFlagsOf.length > 0 ? and(inArray(criterionFlags.bucketId, ownFlagsOf), eq(criterionFlags.authorId, authorId)) : undefined,
  ].filter((scope) => scope !== undefined);
  if (scopes.length === 0) return [];
  return ex
    .select({ flag: criterionFlags, authorName: memberships.name })
    .from(criterionFlags)
    .innerJoin(memberships, eq(memberships.id, criterionFlags.authorId))
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(or(...scopes))
    .orderBy(asc(criterionFlags.createdAt), asc(criterionFlags.id));
}
