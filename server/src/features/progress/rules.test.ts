import { describe, expect, it } from 'vitest';
import { canComplete, canPostProgress } from './rules.ts';

describe('canPostProgress', () => {
  it('lets an accepted proposer report', () => {
    expect(canPostProgress({ role: 'member', isProposer: true })).toBe(true);
  });
  it('refuses an admin who does not carry the bucket', () => {
    expect(canPostProgress({ role: 'admin', isProposer: false })).toBe(false);
  });
});

describe('canComplete', () => {
  it('lets an accepted proposer complete', () => {
    expect(canComplete({ role: 'member', isProposer: true })).toBe(true);
  });
  it('lets an admin complete', () => {
    expect(canComplete({ role: 'admin', isProposer: false })).toBe(true);
  });
  it.each(['reviewer', 'accountant', 'member'] as const)('refuses a %s who does not carry the bucket', (role) => {
    expect(canComplete({ role, isProposer: false })).toBe(false);
  });
});
