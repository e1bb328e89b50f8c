import { and, asc, eq, sql } from 'drizzle-orm';
import type { Criterion, CriterionPatch, NewCriterion } from '@cagnotte/shared';
import type { Db, Executor } from '../../db/client.ts';
import { criteria } from '../../db/schema.ts';
import { conflict, notFound } from '../../domain/errors.ts';
import { renderMarkdown } from '../../http/markdown.ts';
import { lockRound } from '../rounds/queries.ts';
import { criteriaRefusal } from '../rounds/rules.ts';

export type CriteriaService = ReturnType<typeof makeCriteriaService>;
type Row = typeof criteria.$inferSelect;

function toCriterion(row: Row): Criterion {
  return {
    id: row.id,
    roundId: row.roundId,
    position: row.position,
    title: row.title,
    description: row.description,
    descriptionHtml: renderMarkdown(row.description),
    createdAt: row.createdAt.toISOString(),
  };
}

const ordered = (tx: Executor, roundId: string) => tx.select().from(criteria).where(eq(criteria.roundId, roundId)).orderBy(asc(criteria.position));

/**
 * Numbers the round's criteria 0, 1, 2… in the given order. The unique (round, position) index
 * is checked row by row, so positions first move out of the way (negative), then into place.
 */
async function renumber(tx: Executor, roundId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.update(criteria).set({ position: sql`-1 - ${criteria.position}` }).where(eq(criteria.roundId, roundId));
  await tx.execute(sql`
    UPDATE criteria c SET position = v.position
    FROM unnest(${sql.param(ids)}::uuid[]) WITH ORDINALITY AS v(id, position)
    WHERE c.id = v.id AND c.round_id = ${roundId}`);
  // WITH ORDINALITY counts from 1.
  await tx.update(criteria).set({ position: sql`${criteria.position} - 1` }).where(eq(criteria.roundId, roundId));
}

/**
 * The appraisal grid of a round. Every change locks the round row first, so it is ordered with
 * the phase change: once funding has started the grid no longer changes.
 */
export function makeCriteriaService({ db }: { db: Db }) {
  async function openRound(tx: Executor, roundId: string) {
    const round = await lockRound(tx, roundId);
    const refusal = criteriaRefusal(round.phase);
    if (refusal) throw conflict(refusal.code, refusal.detail, { phase: round.phase });
    return round;
  }

  return {
    async list(roundId: string): Promise<Criterion[]> {
      return (await ordered(db, roundId)).map(toCriterion);
    },

    /** The round a criterion belongs to, for the permission check. */
    async roundOf(criterionId: string): Promise<string> {
      const [row] = await db.select({ roundId: criteria.roundId }).from(criteria).where(eq(criteria.id, criterionId));
      if (!row) throw notFound('criterion');
      return row.roundId;
    },

    /** Added last. */
    async create(roundId: string, input: NewCriterion): Promise<Criterion> {
      return db.transaction(async (tx) => {
        await openRound(tx, roundId);
        const [last] = await tx
          .select({ position: sql<number>`coalesce(max(${criteria.position}), -1)` })
          .from(criteria)
          .where(eq(criteria.roundId, roundId));
        const [row] = await tx
          .insert(criteria)
          .values({ roundId, title: input.title, description: input.description, position: (last?.position ?? -1) + 1 })
          .returning();
        if (!row) throw new Error('criterion insert returned nothing');
        return toCriterion(row);
      });
    },

    /** A new position moves the criterion there (capped at the end) and shifts the others. */
    async update(roundId: string, criterionId: string, patch: CriterionPatch): Promise<Criterion> {
      return db.transaction(async (tx) => {
        await openRound(tx, roundId);
        const all = await ordered(tx, roundId);
        const current = all.find((c) => c.id === criterionId);
        if (!current) throw notFound('criterion');
        if (patch.title !== undefined || patch.description !== undefined) {
          await tx
            .update(criteria)
            .set({ ...(patch.title !== undefined ? { title: patch.title } : {}), ...(patch.description !== undefined ? { description: patch.description } : {}) })
            .where(and(eq(criteria.id, criterionId), eq(criteria.roundId, roundId)));
        }
        if (patch.position !== undefined && patch.position !== current.position) {
          const ids = all.map((c) => c.id).filter((id) => id !== criterionId);
          ids.splice(Math.min(patch.position, ids.length), 0, criterionId);
          await renumber(tx, roundId, ids);
        }
        const [row] = await tx.select().from(criteria).where(eq(criteria.id, criterionId));
        if (!row) throw notFound('criterion');
        return toCriterion(row);
      });
    },

    async remove(roundId: string, criterionId: string): Promise<void> {
      await db.transaction(async (tx) => {
        await openRound(tx, roundId);
        const deleted = await tx.delete(criteria).where(and(eq(criteria.id, criterionId), eq(criteria.roundId, roundId))).returning({ id: criteria.id });
        if (deleted.length === 0) throw notFound('criterion');
        await renumber(tx, roundId, (await ordered(tx, roundId)).map((c) => c.id));
      });
    },
  };
}
