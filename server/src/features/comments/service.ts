import { discussionState, type Comment, type CommentList, type DeletedComment } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import type { Actor, Bucket } from '../../domain/model.ts';
import { forbidden, notFound } from '../../domain/errors.ts';
import { renderMarkdown } from '../../http/markdown.ts';
import { enqueueMail } from '../../mail/outbox.ts';
import { proposerAddresses } from '../buckets/queries.ts';
import { bucketUrl } from '../buckets/mail.ts';
import { memberName } from '../members/queries.ts';
import { commentMail } from './mail.ts';
import { insertComment, liveComment, liveCommentWithAuthor, rewriteComment, softDeleteComment, threadOf, type CommentRow } from './queries.ts';
import { assertDiscussionOpen, canDeleteComment, canEditComment, commentRecipients } from './rules.ts';

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
  async function loadLive(commentId: string): Promise<CommentRow> {
    const row = await liveComment(db, commentId);
    if (!row) throw notFound('comment');
    return row;
  }

  return {
    async list(bucket: Bucket): Promise<CommentList> {
      const rows = await threadOf(db, bucket.id);
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
        const row = await insertComment(tx, { bucketId: bucket.id, authorId: actor.membershipId, body, createdAt: now() });
        const author = await memberName(tx, actor.membershipId);
        const recipients = commentRecipients(await proposerAddresses(tx, [bucket.id]), actor.membershipId);
        const excerpt = body.length > EXCERPT ? `${body.slice(0, EXCERPT)}…` : body;
        await enqueueMail(
          tx,
          recipients.map((p) =>
            commentMail({ to: p.email, name: p.name, author, title: bucket.title, excerpt, url: bucketUrl(publicUrl, bucket.id), locale: p.locale }),
          ),
        );
        return toComment(row, author) as Comment;
      });
    },

    async edit(actor: Actor, bucket: Bucket, commentId: string, body: string): Promise<Comment> {
      const current = await loadLive(commentId);
      if (!canEditComment(actor, current)) throw forbidden('Only its author can edit a comment.');
      assertDiscussionOpen(bucket);
      await rewriteComment(db, commentId, body, now());
      const row = await liveCommentWithAuthor(db, commentId);
      if (!row) throw notFound('comment');
      return toComment(row.comment, row.authorName) as Comment;
    },

    /** Soft: the thread keeps a tombstone in its place. */
    async remove(actor: Actor, commentId: string): Promise<void> {
      const current = await loadLive(commentId);
      if (!canDeleteComment(actor, current)) throw forbidden('Only its author, an admin or a reviewer can delete a comment.');
      await softDeleteComment(db, commentId, now());
    },
  };
}
