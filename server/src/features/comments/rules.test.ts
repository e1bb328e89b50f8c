import { describe, expect, it } from 'vitest';
import { assertDiscussionOpen, canDeleteComment, canEditComment, commentRecipients } from './rules.ts';

const comment = { authorId: 'author' };

describe('canEditComment', () => {
  it('lets the author edit', () => {
    expect(canEditComment({ membershipId: 'author', role: 'member' }, comment)).toBe(true);
  });
  it('refuses anyone else, even an admin', () => {
    expect(canEditComment({ membershipId: 'other', role: 'admin' }, comment)).toBe(false);
  });
});

describe('canDeleteComment', () => {
  it('lets the author delete', () => {
    expect(canDeleteComment({ membershipId: 'author', role: 'member' }, comment)).toBe(true);
  });
  it.each(['admin', 'reviewer'] as const)('lets a %s moderate', (role) => {
    expect(canDeleteComment({ membershipId: 'other', role }, comment)).toBe(true);
  });
  it.each(['member', 'accountant'] as const)('refuses another %s', (role) => {
    expect(canDeleteComment({ membershipId: 'other', role }, comment)).toBe(false);
  });
});

describe('commentRecipients', () => {
  it('mails every proposer with an address except the commenter', () => {
    const proposers = [
      { membershipId: 'a', email: 'a@example.org' },
      { membershipId: 'b', email: 'b@example.org' },
      { membershipId: 'erased', email: null },
    ];
    expect(commentRecipients(proposers, 'a').map((p) => p.membershipId)).toEqual(['b']);
  });
});

describe('assertDiscussionOpen', () => {
  it('lets an open bucket be discussed', () => {
    expect(() => assertDiscussionOpen({ status: 'open', mergedIntoId: null })).not.toThrow();
  });
  it('refuses a rejected bucket as discussion_closed', () => {
    expect(() => assertDiscussionOpen({ status: 'rejected', mergedIntoId: null })).toThrow(expect.objectContaining({ status: 409, code: 'discussion_closed' }));
  });
  it('refuses a merged bucket, pointing at its target', () => {
    expect(() => assertDiscussionOpen({ status: 'merged', mergedIntoId: 'target' })).toThrow(
      expect.objectContaining({ code: 'bucket_merged', extra: { mergedIntoId: 'target' } }),
    );
  });
});
