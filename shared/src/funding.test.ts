import { describe, expect, it } from 'vitest';
import { fundingState } from './funding.ts';

const bucket = (fundedCents: number) => ({ fundedCents, minCents: 10_000, maxCents: 15_000, contributors: 3 });

describe('fundingState', () => {
  it('is below the minimum under the nearly-funded threshold', () => {
    expect(fundingState(bucket(7_999), 80).state).toBe('below_minimum');
  });
  it('is nearly funded from the threshold share of the minimum', () => {
    expect(fundingState(bucket(8_000), 80).state).toBe('nearly_funded');
  });
  it('has reached its minimum at exactly the minimum', () => {
    expect(fundingState(bucket(10_000), 80)).toMatchObject({ state: 'minimum_reached', missingToMinimumCents: 0 });
  });
  it('is full at its maximum, with no room left', () => {
    expect(fundingState(bucket(15_000), 80)).toMatchObject({ state: 'full', roomLeftCents: 0 });
  });
  it('gives the share of the minimum in basis points, floored', () => {
    expect(fundingState(bucket(3_333), 80).shareOfMinimumBp).toBe(3333);
    expect(fundingState(bucket(12_345), 80).shareOfMinimumBp).toBe(12345);
  });
  it('treats a bucket whose minimum is its maximum as full once reached', () => {
    expect(fundingState({ fundedCents: 500, minCents: 500, maxCents: 500, contributors: 1 }, 80).state).toBe('full');
  });
});
