import type { Criterion, CriterionPatch, NewCriterion } from '@cagnotte/shared';
import type { Db, Executor } from '../../db/client.ts';
import { conflict, notFound } from '../../domain/errors.ts';
import { renderMarkdown } from '../../http/markdown.ts';
import { lockRound } from '../rounds/queries.ts';
import { criteriaRefusal } from '../rounds/rules.ts';
import {
  criterionById,
  deleteCriterion,
  insertCriterionLast,
  orderedCriteria,
  renumberCriteria,
  roundIdOfCriterion,
  updateCriterionText,
  type CriterionRow,
} from './queries.ts';

export type CriteriaService = ReturnType<typeof makeCriteriaService>;
function toCriterion(row: CriterionRow): Criterion {
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
      return (await orderedCriteria(db, roundId)).map(toCriterion);
    },

    /** The round a criterion belongs to, for the permission check. */
    async roundOf(criterionId: string): Promise<string> {
      const roundId = await roundIdOfCriterion(db, criterionId);
      if (!roundId) throw notFound('criterion');
      return roundId;
    },

    /** Added last. */
    async create(roundId: string, input: NewCriterion): Promise<Criterion> {
      return db.transaction(async (tx) => {
        await openRound(tx, roundId);
        return toCriterion(await insertCriterionLast(tx, roundId, input));
      });
    },

    /** A new position moves the criterion there (capped at the end) and shifts the others. */
    async update(roundId: string, criterionId: string, patch: CriterionPatch): Promise<Criterion> {
      return db.transaction(async (tx) => {
        await openRound(tx, roundId);
        const all = await orderedCriteria(tx, roundId);
        const current = all.find((c) => c.id === criterionId);
        if (!current) throw notFound('criterion');
        if (patch.title !== undefined || patch.description !== undefined) {
          await updateCriterionText(tx, roundId, criterionId, {
            ...(patch.title !== undefined ? { title: patch.title } : {}),
            ...(patch.description !== undefined ? { description: patch.description } : {}),
          });
        }
        if (patch.position !== undefined && patch.position !== current.position) {
          const ids = all.map((c) => c.id).filter((id) => id !== criterionId);
          ids.splice(Math.min(patch.position, ids.length), 0, criterionId);
          await renumberCriteria(tx, roundId, ids);
        }
        const row = await criterionById(tx, criterionId);
        if (!row) throw notFound('criterion');
        return toCriterion(row);
      });
    },

    async remove(roundId: string, criterionId: string): Promise<void> {
      await db.transaction(async (tx) => {
        await openRound(tx, roundId);
        if (!(await deleteCriterion(tx, roundId, criterionId))) throw notFound('criterion');
        await renumberCriteria(tx, roundId, (await orderedCriteria(tx, roundId)).map((c) => c.id));
      });
    },
  };
}
