import { describe, expect, it } from 'vitest';
import { applyPatch, removesActiveAdmin, seesEmails, seesFormerMembers } from './rules.ts';

describe('taking an admin away', () => {
  it('happens when an active admin is demoted or deactivated', () => {
    expect(removesActiveAdmin({ role: 'admin', active: true }, { role: 'member', active: true })).toBe(true);
    expect(removesActiveAdmin({ role: 'admin', active: true }, { role: 'admin', active: false })).toBe(true);
  });

  it('does not happen when the admin stays, or was not an active admin', () => {
    expect(removesActiveAdmin({ role: 'admin', active: true }, { role: 'admin', active: true })).toBe(false);
    expect(removesActiveAdmin({ role: 'admin', active: false }, { role: 'member', active: false })).toBe(false);
    expect(removesActiveAdmin({ role: 'reviewer', active: true }, { role: 'member', active: false })).toBe(false);
  });
});

describe('a patch', () => {
  it('changes only the fields it names', () => {
    expect(applyPatch({ role: 'member', active: true }, { active: false })).toEqual({ role: 'member', active: false });
    expect(applyPatch({ role: 'member', active: false }, { role: 'reviewer' })).toEqual({ role: 'reviewer', active: false });
  });
});

describe('what the member list shows', () => {
  it('hides e-mails and former members from plain members only', () => {
    expect(seesEmails('member')).toBe(false);
    expect(seesFormerMembers('member')).toBe(false);
    for (const role of ['admin', 'reviewer', 'accountant'] as const) {
      expect(seesEmails(role)).toBe(true);
      expect(seesFormerMembers(role)).toBe(true);
    }
  });
});
