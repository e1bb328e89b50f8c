import { and, asc, count, eq, inArray, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { criteria, criterionFlags, flagAnswers, memberships, people } from '../../db/schema.ts';

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
