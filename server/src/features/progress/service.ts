import { acceptsProgressUpdates, type BucketCompleted, type ProgressTimeline, type ProgressUpdate } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import type { Actor, Bucket } from '../../domain/model.ts';
import { conflict, forbidden } from '../../domain/errors.ts';
import { renderMarkdown } from '../../http/markdown.ts';
import { isAcceptedProposer } from '../buckets/queries.ts';
import { recordDecision } from '../decisions/record.ts';
import { memberName } from '../members/queries.ts';
import type { Changes } from '../live/changes.ts';
import { bucketStatus, completeFundedBucket, insertUpdate, updatesOf, type UpdateRow } from './queries.ts';
import { canComplete, canPostProgress, type Standing } from './rules.ts';

function toUpdate(row: UpdateRow, authorName: string): ProgressUpdate {
  return {
    id: row.id,
    bucketId: row.bucketId,
    author: { membershipId: row.authorId, name: authorName },
    body: row.body,
    bodyHtml: renderMarkdown(row.body),
    link: row.link,
    createdAt: row.createdAt.toISOString(),
  };
}

const notFunded = (status: string) =>
  conflict('bucket_not_funded', `This bucket is ${status}; only a funded bucket can be completed.`, { bucketStatus: status });

export type ProgressService = ReturnType<typeof makeProgressService>;

export function makeProgressService({ db, now, changes }: { db: Db; now: () => Date; changes: Pick<Changes, 'emit'> }) {
  async function standingOf(actor: Actor, bucket: Bucket): Promise<Standing> {
    return { role: actor.role, isProposer: await isAcceptedProposer(db, bucket.id, actor.membershipId) };
  }

  return {
    async timeline(bucket: Bucket): Promise<ProgressTimeline> {
      const rows = await updatesOf(db, bucket.id);
      return { updates: rows.map((r) => toUpdate(r.update, r.authorName)) };
    },

    /** Allowed once funded and after completion too: the final report belongs on the timeline. */
    async post(actor: Actor, bucket: Bucket, input: { body: string; link?: string | undefined }): Promise<ProgressUpdate> {
      if (!canPostProgress(await standingOf(actor, bucket))) throw forbidden('Only the proposers of this bucket report its progress.');
      if (!acceptsProgressUpdates(bucket.status)) {
        throw conflict('bucket_not_funded', `This bucket is ${bucket.status}; progress is reported once it is funded.`, { bucketStatus: bucket.status });
      }
      const row = await insertUpdate(db, { bucketId: bucket.id, authorId: actor.membershipId, body: input.body, link: input.link ?? null, createdAt: now() });
      return toUpdate(row, await memberName(db, actor.membershipId));
    },

    /** funded → completed, exactly once whatever races it: the UPDATE's condition decides. */
    async complete(actor: Actor, bucket: Bucket, note: string | undefined): Promise<BucketCompleted> {
      if (!canComplete(await standingOf(actor, bucket))) throw forbidden('Only the proposers of this bucket or an admin can mark it completed.');
      const completedAt = now();
      const done = await db.transaction(async (tx) => {
        const row = await completeFundedBucket(tx, bucket.id, completedAt);
        if (!row) return undefined;
        await recordDecision(tx, { roundId: row.roundId, bucketId: row.id, kind: 'bucket_completed', actorId: actor.membershipId, reason: note ?? null });
        return row;
      });
      if (!done) {
        throw notFunded((await bucketStatus(db, bucket.id)) ?? bucket.status);
      }
      changes.emit({ roundId: done.roundId, bucketIds: [done.id] });
      return { bucketId: done.id, status: 'completed', completedAt: completedAt.toISOString() };
    },
  };
}
