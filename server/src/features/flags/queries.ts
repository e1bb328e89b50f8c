import { and, asc, count, eq, inArray, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { ProposerStatus, RoundFlagsState } from '@cagnotte/shared';
import type { Executor } from '../../db/client.ts';
import { bucketProposers, buckets, criteria, criterionFlags, flagAnswers, memberships, people } from '../../db/schema.ts';

export type FlagRow = typeof criterionFlags.$inferSelect;
export type AnswerRow = typeof flagAnswers.$inferSelect;

export async function flagById(ex: Executor, flagId: string): Promise<FlagRow | undefined> {
  const [row] = await ex.select().from(criterionFlags).where(eq(criterionFlags.id, flagId));
  return row;
}

/** Every criterion of the round's grid, in order, with how many flags it has on this bucket. */
export function flagCountsByCriterion(ex: Executor, bucket: { id: string; roundId: string }) {
  return ex
    .select({ criterionId: criteria.id, position: criteria.position, title: criteria.title, flags: count(criterionFlags.id) })
    .from(criteria)
    .leftJoin(criterionFlags, and(eq(criterionFlags.criterionId, criteria.id), eq(criterionFlags.bucketId, bucket.id)))
    .where(eq(criteria.roundId, bucket.roundId))
    .groupBy(criteria.id)
    .orderBy(asc(criteria.position));
}

/** A bucket's flags, every one or only `authorId`'s, oldest first, with their authors' names. */
export function flagsOfBucket(ex: Executor, bucketId: string, authorId?: string) {
  const scope: SQL | undefined = authorId === undefined
    ? eq(criterionFlags.bucketId, bucketId)
    : and(eq(criterionFlags.bucketId, bucketId), eq(criterionFlags.authorId, authorId));
  return ex
    .select({ flag: criterionFlags, authorName: memberships.name })
    .from(criterionFlags)
    .innerJoin(memberships, eq(memberships.id, criterionFlags.authorId))
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(scope)
    .orderBy(asc(criterionFlags.createdAt), asc(criterionFlags.id));
}

/** The answers to these flags, oldest first, with their authors' names. */
export async function answersOfFlags(ex: Executor, flagIds: string[]): Promise<{ answer: AnswerRow; authorName: string }[]> {
  if (flagIds.length === 0) return [];
  return ex
    .select({ answer: flagAnswers, authorName: memberships.name })
    .from(flagAnswers)
    .innerJoin(memberships, eq(memberships.id, flagAnswers.authorId))
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(inArray(flagAnswers.flagId, flagIds))
    .orderBy(asc(flagAnswers.createdAt), asc(flagAnswers.id));
}

export async function isCriterionOfRound(ex: Executor, criterionId: string, roundId: string): Promise<boolean> {
  const [row] = await ex.select({ id: criteria.id }).from(criteria).where(and(eq(criteria.id, criterionId), eq(criteria.roundId, roundId)));
  return row !== undefined;
}

/** The new flag, or undefined when this member already flagged the bucket on this criterion. */
export async function insertFlag(ex: Executor, values: { bucketId: string; criterionId: string; authorId: string; reason: string; createdAt: Date }): Promise<FlagRow | undefined> {
  const [row] = await ex.insert(criterionFlags).values(values).onConflictDoNothing().returning();
  return row;
}

export async function existingFlagId(ex: Executor, key: { bucketId: string; criterionId: string; authorId: string }): Promise<string | undefined> {
  const [row] = await ex
    .select({ id: criterionFlags.id })
    .from(criterionFlags)
    .where(and(eq(criterionFlags.bucketId, key.bucketId), eq(criterionFlags.criterionId, key.criterionId), eq(criterionFlags.authorId, key.authorId)));
  return row?.id;
}

/** Its answers go with it (ON DELETE CASCADE). */
export async function deleteFlag(ex: Executor, flagId: string, authorId: string): Promise<void> {
  await ex.delete(criterionFlags).where(and(eq(criterionFlags.id, flagId), eq(criterionFlags.authorId, authorId)));
}

export async function insertAnswer(ex: Executor, values: { flagId: string; authorId: string; body: string; createdAt: Date }): Promise<AnswerRow> {
  const [row] = await ex.insert(flagAnswers).values(values).returning();
  if (!row) throw new Error('answer insert returned nothing');
  return row;
}

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
