import { describe, expect, it } from 'vitest';
import type { ResultTotals } from '@cagnotte/shared';
import { isFinal, receiptOutcome, reconciled, resultsRefusal } from './rules.ts';

const totals: ResultTotals = { allowancesCents: 1000, inFundedBucketsCents: 600, pendingCents: 100, unspentCents: 300, elsewhereCents: 0 };

describe('resultsRefusal', () => {
  it('hides a one-off round’s results from members until it closes', () => {
    expect(resultsRefusal({ kind: 'one_off', phase: 'funding' }, 'member')?.code).toBe('round_not_closed');
    expect(resultsRefusal({ kind: 'one_off', phase: 'funding' }, 'reviewer')?.code).toBe('round_not_closed');
  });

  it.each(['admin', 'accountant', 'projector'] as const)('lets %s follow them live', (viewer) => {
    expect(resultsRefusal({ kind: 'one_off', phase: 'funding' }, viewer)).toBeNull();
  });

  it('shows members a closed round and a permanent round at any time', () => {
    expect(resultsRefusal({ kind: 'one_off', phase: 'closed' }, 'member')).toBeNull();
    expect(resultsRefusal({ kind: 'permanent', phase: 'funding' }, 'member')).toBeNull();
  });
});

describe('isFinal', () => {
  it('is true only for a closed one-off round', () => {
    expect(isFinal({ kind: 'one_off', phase: 'closed' })).toBe(true);
    expect(isFinal({ kind: 'one_off', phase: 'funding' })).toBe(false);
    expect(isFinal({ kind: 'permanent', phase: 'funding' })).toBe(false);
  });
});

describe('reconciled', () => {
  it('holds when both sides agree and satisfy the identity', () => {
    expect(reconciled(totals, { ...totals })).toBe(true);
  });

  it('fails when the stored totals and the ledger differ by a cent', () => {
    expect(reconciled(totals, { ...totals, inFundedBucketsCents: 601, unspentCents: 299 })).toBe(false);
  });

  it('fails when the identity does not hold', () => {
    const broken = { ...totals, unspentCents: 301 };
    expect(reconciled(broken, broken)).toBe(false);
  });

  it('fails when money sits in a project that may not hold any', () => {
    const broken = { ...totals, unspentCents: 200, elsewhereCents: 100 };
    expect(reconciled(broken, broken)).toBe(false);
  });
});

describe('receiptOutcome', () => {
  it('names what became of my money', () => {
    expect(receiptOutcome('funded', 10)).toBe('funded');
    expect(receiptOutcome('completed', 10)).toBe('funded');
    expect(receiptOutcome('awaiting_board', 10)).toBe('awaiting_board');
    expect(receiptOutcome('open', 10)).toBe('open');
    expect(receiptOutcome('not_funded', 0)).toBe('returned');
  });
});
