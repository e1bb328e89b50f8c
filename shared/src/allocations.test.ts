import { describe, expect, it } from 'vitest';
import { ALLOCATION_REFUSAL_CODES, AllocationRefusal } from './allocations.ts';

describe('allocation refusals', () => {
  it('reads a refusal with its figures', () => {
    const refusal = AllocationRefusal.parse({
      type: '/problems/insufficient-allowance', title: 'Conflict', status: 409, code: 'insufficient_allowance',
      remainingCents: 3_750, neededCents: 5_000, maxAmountCents: 3_750,
    });
    expect(refusal.code === 'insufficient_allowance' && refusal.maxAmountCents).toBe(3_750);
  });

  it('refuses a refusal that lacks the figures its code promises', () => {
    expect(AllocationRefusal.safeParse({ type: '/problems/bucket-full', title: 'Conflict', status: 409, code: 'bucket_full' }).success).toBe(false);
  });

  it('lists every code', () => {
    expect(ALLOCATION_REFUSAL_CODES).toContain('bucket_full');
    expect(new Set(ALLOCATION_REFUSAL_CODES).size).toBe(8);
  });
});
