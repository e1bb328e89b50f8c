import { and, asc, eq, isNull } from 'drizzle-orm';
import { discussionState, type Comment, type CommentList, type DeletedComment } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import { comments, memberships, people } from '../../db/schema.ts';
import type { Actor, Bucket } from '../../domain/model.ts';
import { forbidden, notFound } from '../../domain/errors.ts';
import { renderMarkdown } from '../../http/markdown.ts';
import { enqueueMail } from '../../mail/outbox.ts';
import { proposerAddresses } from '../buckets/queries.ts';
import { bucketUrl } from '../buckets/mail.ts';
import { commentMail } from './mail.ts';
import { assertDiscussionOpen, canDeleteComment, canEditComment, commentRecipients } from './rules.ts';

type CommentRow = typeof comments.$inferSelect;

function toComment(row: CommentRow, authorName: string): Comment | DeletedComment {
  if (row.deletedAt) return { id: row.id, bucketId: row.bucketId, deleted: true, createdAt: row.createdAt.toISOString() };
  return {
    id: row.id,
    bucketId: row.bucketId,
    deleted: false,
    author: { membershipId: row.authorId, name: authorName },
    body: row.body,
    bodyHtml: renderMarkdown(row.body),
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
  };
}

const EXCERPT = 1_000;

export type CommentsService = ReturnType<typeof makeCommentsService>;

export function makeCommentsService({ db, now, publicUrl }: { db: Db; now: () => Date; publicUrl: string }) {
  const withAuthor = () =>
    db
      .select({ comment: comments, authorName: memberships.name })
      .from(comments)
      .innerJoin(memberships, eq(memberships.id, comments.authorId))
      .innerJoin(people, eq(people.id, memberships.personId));

  async function loadLive(commentId: string): Promise<CommentRow> {
    const [row] = await db.select().from(comments).where(and(eq(comments.id, commentId), isNull(comments.deletedAt)));
    if (!row) throw notFound('comment');
    return row;
  }

  return {
    async list(bucket: Bucket): Promise<CommentList> {
      const rows = await withAuthor().where(eq(comments.bucketId, bucket.id)).orderBy(asc(comments.createdAt), asc(comments.id));
      return { open: discussionState(bucket.status) === 'open', comments: rows.map((r) => toComment(r.comment, r.authorName)) };
    },

    /** The bucket a comment belongs to, for the permission check; a deleted comment is gone. */
    async bucketOf(commentId: string): Promise<string> {
      return (await loadLive(commentId)).bucketId;
    },

    /** Posts and, in the same transaction, queues one e-mail to each other proposer. */
    async post(actor: Actor, bucket: Bucket, body: string): Promise<Comment> {
      assertDiscussionOpen(bucket);
      return db.transaction(async (tx) => {
        const [row] = await tx.insert(comments).values({ bucketId: bucket.id, authorId: actor.membershipId, body, createdAt: now() }).returning();
        if (!row) throw new Error('comment insert returned nothing');
        const [author] = await tx.select({ name: memberships.name }).from(memberships).where(eq(memberships.id, actor.membershipId));
        const authorName = author?.name ?? '';
        const recipients = commentRecipients(await proposerAddresses(tx, [bucket.id]), actor.membershipId);
        const excerpt = body.length > EXCERPT ? `${body.slice(0, EXCERPT)}…` : body;
        await enqueueMail(
          tx,
          recipients.map((p) =>
            commentMail({ to: p.email, name: p.name, author: authorName, title: bucket.title, excerpt, url: bucketUrl(publicUrl, bucket.id), locale: p.locale }),
          ),
        );
        return toComment(row, authorName) as Comment;
      });
    },

    async edit(actor: Actor, bucket: Bucket, commentId: string, body: string): Promise<Comment> {
      const current = await loadLive(commentId);
      if (!canEditComment(actor, current)) throw forbidden('Only its author can edit a comment.');
      assertDiscussionOpen(bucket);
      await db
        .update(comments)
        .set({ body, editedAt: now() })
        .where(and(eq(comments.id, commentId), isNull(comments.deletedAt)));
      const [row] = await withAuthor().where(and(eq(comments.id, commentId), isNull(comments.deletedAt)));
      if (!row) throw notFound('comment');
      return toComment(row.comment, row.authorName) as Comment;
    },

    /** Soft: the thread keeps a tombstone in its place. */
    async remove(actor: Actor, commentId: string): Promise<void> {
      const current = await loadLive(commentId);
      if (!canDeleteComment(actor, current)) throw forbidden('Only its author, an admin or a reviewer can delete a comment.');
      await db.update(comments).set({ deletedAt: now() }).where(and(eq(comments.id, commentId), isNull(comments.deletedAt)));
    },
  };
}
