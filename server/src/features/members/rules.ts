import type { Role } from '@cagnotte/shared';

/** What an erased person is called everywhere their id still appears. */
export const ERASED_NAME = 'Erased member';

/** Plain members see who belongs (names, roles), not how to reach them. */
export const seesEmails = (role: Role): boolean => role !== 'member';

/** Plain members see the active membership only; staff see former members too. */
export const seesFormerMembers = (role: Role): boolean => role !== 'member';

type State = { role: Role; active: boolean };

/** Whether going from `before` to `after` takes an active admin away (demotion or deactivation). */
export function removesActiveAdmin(before: State, after: State): boolean {
  return before.role === 'admin' && before.active && (after.role !== 'admin' || !after.active);
}

/** The state a patch leads to; unspecified fields stay as they are. */
export function applyPatch(before: State, patch: { role?: Role; active?: boolean }): State {
  return { role: patch.role ?? before.role, active: patch.active ?? before.active };
}
