import { describe, expect, it } from 'vitest';
import { budgetTotals } from './buckets.ts';

describe('budget totals', () => {
  it('makes the minimum of the essential lines and the maximum of all lines', () => {
    expect(budgetTotals([
      { amountCents: 100_000, essential: true },
      { amountCents: 20_000, essential: true },
      { amountCents: 30_000, essential: false },
    ])).toEqual({ minCents: 120_000, maxCents: 150_000 });
  });

  it('is zero for no lines, as a form starts', () => {
    expect(budgetTotals([])).toEqual({ minCents: 0, maxCents: 0 });
  });
});
