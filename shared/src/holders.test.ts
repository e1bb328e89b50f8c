import { describe, expect, it } from 'vitest';
import { holdsAllowance } from './rounds.ts';

describe('holdsAllowance', () => {
  const member = (role: 'admin' | 'reviewer' | 'accountant' | 'member', eligible: boolean, active = true) => ({ role, eligible, active });

  it('gives every active member one in an all-members round, staff only when marked eligible', () => {
    expect(holdsAllowance(member('member', false), 'all_members')).toBe(true);
    expect(holdsAllowance(member('admin', false), 'all_members')).toBe(false);
    expect(holdsAllowance(member('reviewer', false), 'all_members')).toBe(false);
    expect(holdsAllowance(member('accountant', true), 'all_members')).toBe(true);
  });

  it('gives one only to members marked eligible, whatever their role, in an eligible-members round', () => {
    expect(holdsAllowance(member('member', false), 'eligible_members')).toBe(false);
    expect(holdsAllowance(member('member', true), 'eligible_members')).toBe(true);
    expect(holdsAllowance(member('admin', true), 'eligible_members')).toBe(true);
  });

  it('never to a former member', () => {
    expect(holdsAllowance(member('member', true, false), 'all_members')).toBe(false);
    expect(holdsAllowance(member('member', true, false), 'eligible_members')).toBe(false);
  });
});
