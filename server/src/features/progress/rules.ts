import type { Role } from '@cagnotte/shared';

/** What decides who may report on a bucket: the caller's role, and whether they carry it. */
export type Standing = { role: Role; isProposer: boolean };

/** The people doing the work report on it; staff do not write in their name. */
export function canPostProgress(standing: Standing): boolean {
  return standing.isProposer;
}

/** The proposers say when it is done; an admin can close it for them (a proposer who left). */
export function canComplete(standing: Standing): boolean {
  return standing.isProposer || standing.role === 'admin';
}
