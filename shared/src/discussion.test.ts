import { describe, expect, it } from 'vitest';
import { acceptsProgressUpdates, discussionState, NewProgressUpdate } from './discussion.ts';

describe('discussionState', () => {
  it.each(['draft', 'proposed', 'open', 'funded', 'awaiting_board', 'not_funded', 'completed'])('is open for a %s bucket', (status) => {
    expect(discussionState(status)).toBe('open');
  });
  it.each(['withdrawn', 'rejected'])('is closed for a %s bucket', (status) => {
    expect(discussionState(status)).toBe('closed');
  });
  it('points elsewhere for a merged bucket', () => {
    expect(discussionState('merged')).toBe('merged');
  });
});

describe('acceptsProgressUpdates', () => {
  it.each(['funded', 'completed'])('accepts updates on a %s bucket', (status) => {
    expect(acceptsProgressUpdates(status)).toBe(true);
  });
  it.each(['draft', 'proposed', 'open', 'awaiting_board', 'not_funded', 'withdrawn', 'merged', 'rejected'])('refuses updates on a %s bucket', (status) => {
    expect(acceptsProgressUpdates(status)).toBe(false);
  });
});

describe('NewProgressUpdate', () => {
  it('accepts an https link', () => {
    expect(NewProgressUpdate.safeParse({ body: 'Done', link: 'https://example.org/photos' }).success).toBe(true);
  });
  it.each(['javascript:alert(1)', 'ftp://example.org/x', 'not a url'])('refuses the link %s', (link) => {
    expect(NewProgressUpdate.safeParse({ body: 'Done', link }).success).toBe(false);
  });
});
