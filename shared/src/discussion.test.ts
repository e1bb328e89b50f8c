import { describe, expect, it } from 'vitest';
import { discussionState } from './discussion.ts';

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
