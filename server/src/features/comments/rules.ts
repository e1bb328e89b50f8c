import { discussionState, type Role } from '@cagnotte/shared';
import { conflict } from '../../domain/errors.ts';
import type { Actor } from '../../domain/model.ts';

/** Staff who keep a discussion civil: they may remove anyone's comment. */
export const MODERATOR_ROLES: readonly Role[] = ['admin', 'reviewer'];

/** Only the author rewrites their words; a moderator removes, never edits, what others said. */
export function canEditComment(actor: Pick<Actor, 'membershipId' | 'role'>, comment: { authorId: string }): boolean {
  return actor.membershipId === comment.authorId;
}

export function canDeleteComment(actor: Pick<Actor, 'membershipId' | 'role'>, comment: { authorId: string }): boolean {
  return actor.membershipId === comment.authorId || MODERATOR_ROLES.includes(actor.role);
}

/** Proposers hear of every comment on their bucket but their own. */
export function commentRecipients<P extends { membershipId: string; email: string | null }>(proposers: P[], commenterId: string): (P & { email: string })[] {
  return proposers.filter((p): p is P & { email: string } => p.membershipId !== commenterId && p.email !== null);
}

/** Refuses new words where the discussion is over; the thread itself stays readable. */
export function assertDiscussionOpen(bucket: { status: string; mergedIntoId: string | null }): void {
  const state = discussionState(bucket.status);
  if (state === 'merged') {
    throw conflict('bucket_merged', 'This bucket was merged; its discussion continues on the bucket it was merged into.', { mergedIntoId: bucket.mergedIntoId });
  }
  if (state === 'closed') {
    throw conflict('discussion_closed', `This bucket is ${bucket.status}: its discussion is closed.`, { bucketStatus: bucket.status });
  }
}
