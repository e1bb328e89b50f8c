import { eq } from 'drizzle-orm';
import type { BucketDetail, CostingNote } from '@cagnotte/shared';
import { costingNotes, memberships, people } from '../../db/schema.ts';
import type { Actor, Bucket, Round } from '../../domain/model.ts';
import { conflict } from '../../domain/errors.ts';
import { renderMarkdown } from '../../http/markdown.ts';
import { recordDecision } from '../decisions/record.ts';
import type { BucketDeps } from './deps.ts';
import { bucketUrl, proposerMail, tellProposers } from './mail.ts';
import { loadDetail } from './queries.ts';
import { acceptsReview } from './rules.ts';
import { applyTransition, authorizeTransition, endWithMoneyBack } from './transitions.ts';

export type ReviewService = ReturnType<typeof makeReviewService>;

/** Staff's decisions on proposed projects. Callers check the role (reviewer or admin). */
export function makeReviewService({ db, now, changes, publicUrl }: BucketDeps) {
  const link = (bucket: Bucket) => bucketUrl(publicUrl, bucket.id);

  return {
    /** proposed → open, in rounds where projects need approval before funding. */
    async approve(actor: Actor, round: Round, bucket: Bucket, reason?: string): Promise<BucketDetail> {
      if (!round.approvalRequired) {
        throw conflict('approval_not_required', 'This round needs no approval: proposed projects open for funding when funding opens.');
      }
      if (!acceptsReview(round)) throw conflict('round_closed', `This round is ${round.phase}; its projects can no longer be approved.`, { phase: round.phase });
      await authorizeTransition(db, actor, bucket, 'approve');
      await db.transaction(async (tx) => {
        await applyTransition(tx, { bucketId: bucket.id, action: 'approve', statusReason: reason ?? null, now: now() });
        await recordDecision(tx, { roundId: round.id, bucketId: bucket.id, kind: 'bucket_approved', actorId: actor.membershipId, reason });
        await tellProposers(tx, { bucketIds: [bucket.id], message: proposerMail.approved({ title: bucket.title, reason, url: link(bucket) }) });
      });
      changes.emit({ roundId: round.id, bucketIds: [bucket.id] });
      return loadDetail(db, bucket.id);
    },

    /** proposed or open → rejected; an open bucket's allocations go back to their members first. */
    async reject(actor: Actor, round: Round, bucket: Bucket, reason: string): Promise<BucketDetail> {
      await authorizeTransition(db, actor, bucket, 'reject');
      const returned = await db.transaction(async (tx) => {
        const result = await endWithMoneyBack(tx, { bucket, actor, action: 'reject', decision: 'bucket_rejected', reason, now: now() });
        await tellProposers(tx, { bucketIds: [bucket.id], message: proposerMail.rejected({ title: bucket.title, reason, url: link(bucket) }) });
        return result;
      });
      changes.emit({ roundId: round.id, bucketIds: [bucket.id], membershipIds: returned.membershipIds });
      return loadDetail(db, bucket.id);
    },

    /** proposed → draft with the reviewers' reason: the proposers edit and propose again. */
    async requestChanges(actor: Actor, round: Round, bucket: Bucket, reason: string): Promise<BucketDetail> {
      await authorizeTransition(db, actor, bucket, 'request_changes');
      await db.transaction(async (tx) => {
        await applyTransition(tx, { bucketId: bucket.id, action: 'request_changes', statusReason: reason, now: now() });
        await recordDecision(tx, { roundId: round.id, bucketId: bucket.id, kind: 'changes_requested', actorId: actor.membershipId, reason });
        await tellProposers(tx, { bucketIds: [bucket.id], message: proposerMail.changesRequested({ title: bucket.title, reason, url: link(bucket) }) });
      });
      changes.emit({ roundId: round.id, bucketIds: [bucket.id] });
      return loadDetail(db, bucket.id);
    },

    /** A reviewer's costing of the project, public with the bucket. */
    async addCostingNote(actor: Actor, bucket: Bucket, input: { body: string; estimateCents?: number }): Promise<CostingNote> {
      const [note] = await db
        .insert(costingNotes)
        .values({ bucketId: bucket.id, authorId: actor.membershipId, body: input.body, estimateCents: input.estimateCents ?? null, createdAt: now() })
        .returning();
      if (!note) throw new Error('costing note insert returned nothing');
      const [author] = await db.select({ name: memberships.name }).from(memberships).innerJoin(people, eq(people.id, memberships.personId)).where(eq(memberships.id, actor.membershipId));
      return {
        id: note.id,
        authorId: note.authorId,
        authorName: author?.name ?? '',
        body: note.body,
        bodyHtml: renderMarkdown(note.body),
        estimateCents: note.estimateCents,
        createdAt: note.createdAt.toISOString(),
      };
    },
  };
}
