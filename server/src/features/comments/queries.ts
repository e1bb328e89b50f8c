import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { comments, memberships, people } from '../../db/schema.ts';

export type CommentRow = typeof comments.$inferSelect;

const withAuthor = (ex: Executor) =>
  ex
    .select({ comment: comments, authorName: memberships.name })
    .from(comments)
    .innerJoin(memberships, eq(memberships.id, comments.authorId))
    .innerJoin(people, eq(people.id, memberships.personId));

const live = (commentId: string) => and(eq(comments.id, commentId), isNull(comments.deletedAt));

/** The whole thread, deleted comments included (they stay as tombstones), oldest first. */
export const threadOf = (ex: Executor, bucketId: string) =>
  withAuthor(ex).where(eq(comments.bucketId, bucketId)).orderBy(asc(comments.createdAt), asc(comments.id));

/** A comment that is not deleted, with its author's name. */
export async function liveCommentWithAuthor(ex: Executor, commentId: string) {
  const [row] = await withAuthor(ex).where(live(commentId));
  return row;
}

/** A comment that is not deleted. */
export async function liveComment(ex: Executor, commentId: string): Promise<CommentRow | undefined> {
  const [row] = await ex.select().from(comments).where(live(commentId));
  return row;
}

export async function insertComment(ex: Executor, values: { bucketId: string; authorId: string; body: string; createdAt: Date }): Promise<CommentRow> {
  const [row] = await ex.insert(comments).values(values).returning();
  if (!row) throw new Error('comment insert returned nothing');
  return row;
}

export async function rewriteComment(ex: Executor, commentId: string, body: string, editedAt: Date): Promise<void> {
  await ex.update(comments).set({ body, editedAt }).where(live(commentId));
}

/** Soft: the row stays, as the tombstone in its place in the thread. */
export async function softDeleteComment(ex: Executor, commentId: string, deletedAt: Date): Promise<void> {
  await ex.update(comments).set({ deletedAt }).where(live(commentId));
}
