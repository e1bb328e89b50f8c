import { and, asc, eq, inArray } from 'drizzle-orm';
import { budgetTotals, type BucketDetail, type BucketEdit, type BucketRevisionList } from '@cagnotte/shared';
import { bucketRevisions, buckets, memberships, people } from '../../db/schema.ts';
import type { Actor, Bucket } from '../../domain/model.ts';
import { conflict, forbidden } from '../../domain/errors.ts';
import type { BucketDeps } from './deps.ts';
import { assertVisible, currentBucket, isAcceptedProposer, loadDetail } from './queries.ts';
import { BUDGET_EDITABLE, diffFields, EDITABLE, editRefusal } from './rules.ts';

export type EditingService = ReturnType<typeof makeEditingService>;

const REFUSALS = {
  bucket_not_editable: (status: string) => `A bucket that is ${status} can no longer be edited.`,
  budget_frozen: () => 'The budget is frozen once the bucket is open for funding.',
};

export function makeEditingService({ db, now, changes }: BucketDeps) {
  return {
    /**
     * Optimistic concurrency: the editor sends the revision they started from; the update is
     * conditional on it, so a stale edit is refused (409 `version_conflict`) and never
     * silently overwrites someone else's.
     */
    async edit(actor: Actor, bucket: Bucket, input: BucketEdit): Promise<BucketDetail> {
      if (!(await isAcceptedProposer(db, bucket.id, actor.membershipId))) throw forbidden('Only an accepted proposer of this bucket may edit it.');
      const { revision: expected, ...fields } = input;
      const budgetLines = fields.budgetLines;
      const after = {
        title: fields.title,
        summary: fields.summary,
        description: fields.description,
        tags: fields.tags,
        imageUrl: fields.imageUrl,
        ...(budgetLines ? { budgetLines, ...budgetTotals(budgetLines) } : {}),
      };

      const changed = await db.transaction(async (tx) => {
        const current = await currentBucket(tx, bucket.id);
        if (current.revision !== expected) throw versionConflict(current.revision);
        const diff = diffFields(current, after);
        if (Object.keys(diff).length === 0) return null;
        const touchesBudget = 'budgetLines' in diff;
        const refusal = editRefusal(current.status, touchesBudget);
        if (refusal) throw conflict(refusal, REFUSALS[refusal](current.status), { bucketStatus: current.status });

        const values: Partial<typeof buckets.$inferInsert> = Object.fromEntries(Object.entries(diff).map(([field, change]) => [field, change.to]));
        const [updated] = await tx
          .update(buckets)
          .set({ ...values, revision: expected + 1, updatedAt: now() })
          .where(and(
            eq(buckets.id, bucket.id),
            eq(buckets.revision, expected),
            inArray(buckets.status, [...(touchesBudget ? BUDGET_EDITABLE : EDITABLE)]),
          ))
          .returning({ revision: buckets.revision, status: buckets.status, roundId: buckets.roundId });
        if (!updated) {
          // Lost a race: say which, from what is there now.
          const latest = await currentBucket(tx, bucket.id);
          if (latest.revision !== expected) throw versionConflict(latest.revision);
          const late = editRefusal(latest.status, touchesBudget) ?? 'bucket_not_editable';
          throw conflict(late, REFUSALS[late](latest.status), { bucketStatus: latest.status });
        }
        await tx.insert(bucketRevisions).values({ bucketId: bucket.id, revision: updated.revision, authorId: actor.membershipId, changes: diff, createdAt: now() });
        return updated;
      });
      // Drafts are nobody else's business; other edits change what members read (and min/max).
      if (changed && changed.status !== 'draft') changes.emit({ roundId: changed.roundId, bucketIds: [bucket.id] });
      return loadDetail(db, bucket.id);
    },

    async revisions(actor: Actor, bucket: Bucket): Promise<BucketRevisionList> {
      await assertVisible(db, actor, bucket);
      const rows = await db
        .select({ revision: bucketRevisions, authorName: memberships.name })
        .from(bucketRevisions)
        .innerJoin(memberships, eq(memberships.id, bucketRevisions.authorId))
        .innerJoin(people, eq(people.id, memberships.personId))
        .where(eq(bucketRevisions.bucketId, bucket.id))
        .orderBy(asc(bucketRevisions.revision));
      return {
        revisions: rows.map(({ revision, authorName }) => ({
          revision: revision.revision,
          authorId: revision.authorId,
          authorName,
          changes: revision.changes,
          createdAt: revision.createdAt.toISOString(),
        })),
      };
    },
  };
}

function versionConflict(currentRevision: number) {
  return conflict('version_conflict', `Someone else edited this bucket meanwhile (it is at revision ${currentRevision}); reload it and edit again.`, {
    currentRevision,
  });
}
