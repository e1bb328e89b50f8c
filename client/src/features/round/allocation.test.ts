import { describe, expect, it } from 'vitest';
import { explainRefusal, maxAmount, quickActions, stepped, type AllocationContext } from './allocation.ts';

const context = (values: Partial<AllocationContext> = {}): AllocationContext => ({
  mineCents: 0,
  remainingCents: 43_000,
  missingToMinimumCents: 100_000,
  roomLeftCents: 150_000,
  capCents: null,
  committedCents: 0,
  ...values,
});
const problem = (code: string, figures: Record<string, unknown>) => ({ type: `/problems/${code}`, title: 'Conflict', status: 409, code, ...figures });

describe('the allocation control', () => {
  it('offers +10, +50, fill to the minimum and everything left as absolute amounts', () => {
    const actions = quickActions(context({ mineCents: 2_000, remainingCents: 10_000, missingToMinimumCents: 3_750 }));
    expect(actions).toEqual([
      { id: 'plus10', amountCents: 3_000 },
      { id: 'plus50', amountCents: 7_000 },
      { id: 'fill', amountCents: 5_750 },
      { id: 'everything', amountCents: 12_000 },
      { id: 'withdraw', amountCents: 0 },
    ]);
  });

  it('fills to the minimum with what I have left when that is less than what it misses', () => {
    const fill = quickActions(context({ remainingCents: 3_750, missingToMinimumCents: 90_000 })).find((a) => a.id === 'fill');
    expect(fill?.amountCents).toBe(3_750);
  });

  it('offers nothing the server would refuse: past my balance, the room left, the cap, or below what is committed', () => {
    expect(quickActions(context({ remainingCents: 900 })).map((a) => a.id)).toEqual(['fill', 'everything']);
    expect(maxAmount(context({ roomLeftCents: 2_500 }))).toBe(2_500);
    expect(maxAmount(context({ mineCents: 1_000, capCents: 5_000 }))).toBe(5_000);
    const committed = quickActions(context({ mineCents: 5_000, committedCents: 5_000, remainingCents: 0, missingToMinimumCents: 0 }));
    expect(committed).toEqual([]);
  });

  it('steps by one unit with the arrows, ten with Shift, never below the floor', () => {
    expect(stepped(1_250, 1, false, 0)).toBe(1_300);
    expect(stepped(1_250, -1, false, 0)).toBe(1_200);
    expect(stepped(1_000, 1, true, 0)).toBe(2_000);
    expect(stepped(50, -1, false, 0)).toBe(0);
    expect(stepped(5_000, -1, false, 5_000)).toBe(5_000);
  });
});

describe('a refused allocation, explained', () => {
  it('says how much is left and offers to allocate exactly that', () => {
    const refusal = explainRefusal(problem('insufficient_allowance', { remainingCents: 3_750, neededCents: 5_000, maxAmountCents: 3_750 }), 5_000, 0);
    expect(refusal).toEqual({ key: 'insufficient', figures: { remaining: 3_750, needed: 5_000 }, fixCents: 3_750 });
  });

  it('says how much room a full project has left and offers to fill it', () => {
    expect(explainRefusal(problem('bucket_full', { roomLeftCents: 1_000, maxAmountCents: 3_000 }), 9_000, 2_000)).toEqual({ key: 'full', figures: { room: 1_000 }, fixCents: 3_000 });
    expect(explainRefusal(problem('bucket_full', { roomLeftCents: 0, maxAmountCents: 0 }), 100, 0).fixCents).toBeNull();
  });

  it('offers the cap when over it, and no fix for a committed amount or a closed project', () => {
    expect(explainRefusal(problem('over_bucket_cap', { capCents: 20_000 }), 25_000, 0).fixCents).toBe(20_000);
    expect(explainRefusal(problem('allocation_committed', { minimumAmountCents: 4_000 }), 0, 4_000)).toEqual({ key: 'committed', figures: { min: 4_000 }, fixCents: null });
    expect(explainRefusal(problem('bucket_not_open', { bucketStatus: 'funded' }), 100, 0)).toEqual({ key: 'notOpen', figures: { status: 'funded' }, fixCents: null });
  });

  it('never offers as a fix the amount just refused', () => {
    expect(explainRefusal(problem('insufficient_allowance', { remainingCents: 0, neededCents: 100, maxAmountCents: 500 }), 500, 400).fixCents).toBeNull();
  });
});
