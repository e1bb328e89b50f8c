import { describe, expect, it } from 'vitest';
import { canAnswerFlag, flagVisibility } from './rules.ts';

describe('flagVisibility', () => {
  it('shows every flag to an accepted proposer', () => {
    expect(flagVisibility({ role: 'member', isProposer: true })).toBe('all');
  });
  it.each(['admin', 'reviewer'] as const)('shows every flag to a %s', (role) => {
    expect(flagVisibility({ role, isProposer: false })).toBe('all');
  });
  it.each(['member', 'accountant'] as const)('shows a %s only their own flags', (role) => {
    expect(flagVisibility({ role, isProposer: false })).toBe('own');
  });
});

describe('canAnswerFlag', () => {
  it('lets an accepted proposer answer', () => {
    expect(canAnswerFlag({ role: 'member', isProposer: true })).toBe(true);
  });
  it.each(['admin', 'reviewer'] as const)('lets a %s answer', (role) => {
    expect(canAnswerFlag({ role, isProposer: false })).toBe(true);
  });
  it.each(['member', 'accountant'] as const)('refuses a %s who does not carry the bucket', (role) => {
    expect(canAnswerFlag({ role, isProposer: false })).toBe(false);
  });
});
