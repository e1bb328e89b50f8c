import { describe, expect, it } from 'vitest';
import { replayBallots } from './ballots.ts';

const costs = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('replaying cumulative ballots as allocations', () => {
  it('spreads each voter’s allowance over their choices in proportion to the points', () => {
    const replayed = replayBallots([{ projectIds: ['a', 'b'], points: [3, 1] }], costs({ a: 1_000_000, b: 1_000_000 }), 40_000);
    expect(replayed).toEqual([
      { voter: 0, projectId: 'a', amountCents: 30_000 },
      { voter: 0, projectId: 'b', amountCents: 10_000 },
    ]);
  });

  it('never puts more into a project than its cost, and sends what does not fit to the voter’s other choices', () => {
    const replayed = replayBallots(
      [
        { projectIds: ['small'], points: [3] },
        { projectIds: ['small', 'big'], points: [2, 2] },
      ],
      costs({ small: 50_000, big: 1_000_000 }),
      40_000,
    );
    expect(replayed).toEqual([
      { voter: 0, projectId: 'small', amountCents: 40_000 },
      { voter: 1, projectId: 'small', amountCents: 10_000 },
      { voter: 1, projectId: 'big', amountCents: 30_000 },
    ]);
  });

  it('leaves in the allowance what fits in none of the voter’s choices', () => {
    const replayed = replayBallots([{ projectIds: ['a', 'b'], points: [1, 1] }], costs({ a: 5_000, b: 5_000 }), 40_000);
    expect(replayed.reduce((sum, a) => sum + a.amountCents, 0)).toBe(10_000);
  });

  it('floors each share to the cent, so a voter never gives more than their allowance', () => {
    const replayed = replayBallots([{ projectIds: ['a', 'b', 'c'], points: [1, 1, 1] }], costs({ a: 10 ** 9, b: 10 ** 9, c: 10 ** 9 }), 100);
    expect(replayed.map((a) => a.amountCents)).toEqual([33, 33, 33]);
  });
});
