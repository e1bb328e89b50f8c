import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { criteria } from '../../db/schema.ts';

export type CriterionRow = typeof criteria.$inferSelect;

/** The round's grid in order. */
export const orderedCriteria = (ex: Executor, roundId: string): Promise<CriterionRow[]> =>
  ex.select().from(criteria).where(eq(criteria.roundId, roundId)).orderBy(asc(criteria.position));

export async function criterionById(ex: Executor, criterionId: string): Promise<CriterionRow | undefined> {
  const [row] = await ex.select().from(criteria).where(eq(criteria.id, criterionId));
  return row;
}

export async function roundIdOfCriterion(ex: Executor, criterionId: string): Promise<string | undefined> {
  const [row] = await ex.select({ roundId: criteria.roundId }).from(criteria).where(eq(criteria.id, criterionId));
  return row?.roundId;
}

/** Added last: the next position after the round's highest. */
export async function insertCriterionLast(ex: Executor, roundId: string, values: { title: string; description: string }): Promise<CriterionRow> {
  const [last] = await ex
    .select({ position: sql<number>`coalesce(max(${criteria.position}), -1)` })
    .from(criteria)
    .where(eq(criteria.roundId, roundId));
  const [row] = await ex
    .insert(criteria)
    .values({ roundId, title: values.title, description: values.description, position: (last?.position ?? -1) + 1 })
    .returning();
  if (!row) throw new Error('criterion insert returned nothing');
  return row;
}

export async function updateCriterionText(ex: Executor, roundId: string, criterionId: string, changes: { title?: string; description?: string }): Promise<void> {
  await ex
    .update(criteria)
    .set(changes)
    .where(and(eq(criteria.id, criterionId), eq(criteria.roundId, roundId)));
}

/** Whether a criterion of this round was there to delete. */
export async function deleteCriterion(ex: Executor, roundId: string, criterionId: string): Promise<boolean> {
  const deleted = await ex.delete(criteria).where(and(eq(criteria.id, criterionId), eq(criteria.roundId, roundId))).returning({ id: criteria.id });
  return deleted.length > 0;
}

/**
 * Numbers the round's criteria 0, 1, 2… in the given order. The unique (round, position) index
 * is checked row by row, so positions first move out of the way (negative), then into place.
 */
export async function renumberCriteria(ex: Executor, roundId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await ex.update(criteria).set({ position: sql`-1 - ${criteria.position}` }).where(eq(criteria.roundId, roundId));
  await ex.execute(sql`
    UPDATE criteria c SET position = v.position
    FROM unnest(${sql.param(ids)}::uuid[]) WITH ORDINALITY AS v(id, position)
    WHERE c.id = v.id AND c.round_id = ${roundId}`);
  // WITH ORDINALITY counts from 1.
  await ex.update(criteria).set({ position: sql`${criteria.position} - 1` }).where(eq(criteria.roundId, roundId));
}
