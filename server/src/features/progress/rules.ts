import type { Role } from '@cagnotte/shared';

type Who = { role: Role; isProposer: boolean };

/** The people doing the work report on it; staff do not write in their name. */
export function canPostProgress(who: Who): boolean {
  return who.isProposer;
}

/** The proposers say when it is done; an admin can close it for them (a proposer who left). */
export function canComplete(who: Who): boolean {
  return who.isProposer || who.role === 'admin';
}
