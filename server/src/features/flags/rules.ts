import type { FlagVisibility, Role } from '@cagnotte/shared';

/** Staff who review buckets: they see every flag and may answer any. */
const STAFF: readonly Role[] = ['admin', 'reviewer'];

type Who = { role: Role; isProposer: boolean };

/**
 * Flags are addressed to the people who must answer them: the bucket's accepted proposers and
 * the staff see them all, with reasons and authors. Everyone else sees the counts per criterion
 * and their own flags, so that flagging is a signal, not a public accusation.
 */
export function flagVisibility(who: Who): FlagVisibility {
  return who.isProposer || STAFF.includes(who.role) ? 'all' : 'own';
}

/** Answering a flag is defending the bucket (its proposers) or ruling on it (staff). */
export function canAnswerFlag(who: Who): boolean {
  return who.isProposer || STAFF.includes(who.role);
}
