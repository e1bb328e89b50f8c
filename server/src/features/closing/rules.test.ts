import { describe, expect, it } from 'vitest';
import { closeRefusal, endFundingRefusal, shortfallOutcome } from './rules.ts';

describe('closeRefusal', () => {
  it('lets a one-off round in funding close', () => {
    expect(closeRefusal({ kind: 'one_off', phase: 'funding' })).toBeNull();
  });

  it.each(['draft', 'proposals', 'closed'] as const)('refuses a one-off round in %s', (phase) => {
    expect(closeRefusal({ kind: 'one_off', phase })?.code).toBe('round_not_funding');
  });

  it('refuses a permanent round whatever its phase', () => {
    expect(closeRefusal({ kind: 'permanent', phase: 'funding' })?.code).toBe('permanent_round');
  });
});

describe('shortfallOutcome', () => {
  it('returns the money under the return rule', () => {
    expect(shortfallOutcome(99_999, 'return')).toBe('return');
  });

  it('leaves the project to the board under the board rule', () => {
    expect(shortfallOutcome(1, 'board')).toBe('awaiting_board');
  });

  it.each(['return', 'board'] as const)('simply does not fund a project that got nothing (%s rule)', (rule) => {
    expect(shortfallOutcome(0, rule)).toBe('not_funded');
  });
});

describe('endFundingRefusal', () => {
  const permanent = { kind: 'permanent', phase: 'funding' } as const;
  const reached = { status: 'open', fundedCents: 100, minCents: 100 };

  it('lets an open project that reached its minimum end its funding', () => {
    expect(endFundingRefusal(permanent, reached)).toBeNull();
  });

  it('refuses a project below its minimum', () => {
    expect(endFundingRefusal(permanent, { ...reached, fundedCents: 99 })?.code).toBe('minimum_not_reached');
  });

  it('refuses a project that is not open', () => {
    expect(endFundingRefusal(permanent, { ...reached, status: 'funded' })?.code).toBe('bucket_not_open');
  });

  it('refuses a project of a one-off round', () => {
    expect(endFundingRefusal({ kind: 'one_off', phase: 'funding' }, reached)?.code).toBe('not_permanent_round');
  });
});
