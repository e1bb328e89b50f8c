import { describe, expect, it } from 'vitest';
import { closeOutcome } from './closing.ts';

describe('what the close does to an open project', () => {
  it('funds one that reached its minimum, whatever the rule', () => {
    expect(closeOutcome({ fundedCents: 50_000, minCents: 50_000 }, 'return')).toBe('funded');
    expect(closeOutcome({ fundedCents: 60_000, minCents: 50_000 }, 'board')).toBe('funded');
  });
  it('sends the money back, or leaves it to the board, when the minimum is missed', () => {
    expect(closeOutcome({ fundedCents: 49_999, minCents: 50_000 }, 'return')).toBe('return');
    expect(closeOutcome({ fundedCents: 49_999, minCents: 50_000 }, 'board')).toBe('awaiting_board');
  });
  it('simply does not fund one that got nothing', () => {
    expect(closeOutcome({ fundedCents: 0, minCents: 50_000 }, 'board')).toBe('not_funded');
  });
});
