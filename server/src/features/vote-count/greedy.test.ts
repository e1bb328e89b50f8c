import { describe, expect, it } from 'vitest';
import { countVotes } from './count.ts';
import { CountInputError } from './election.ts';
import { approvalElection, pointsElection, reasonOf } from './test-elections.ts';
import { TIE_BREAK } from './types.ts';

const greedy = { kind: 'greedy' } as const;

describe('greedy counting', () => {
  // equalshares.net, Explanation, Example 1: "they would select the bike path (with 7 votes),
  // and then the outdoor gym (with 6 votes), and then stop because the budget is exhausted".
  const example1 = approvalElection(1100, { bike: 700, gym: 400, park: 250, playground: 200, library: 100 }, [
    ['bike', 'gym'], ['bike', 'gym', 'park'], ['bike', 'gym'], ['bike', 'gym', 'park'], ['bike', 'gym', 'park'], ['bike', 'gym'],
    ['park', 'playground', 'library'], ['playground'], ['playground', 'library'], ['park', 'playground', 'library'], ['bike'],
  ]);

  it('takes projects by decreasing support while they fit', () => {
    const outcome = countVotes(example1, greedy);
    expect(outcome.selected).toEqual(['bike', 'gym']);
    expect(outcome.used).toBe(110_000n);
    expect(outcome.exhaustive).toBe(true);
    expect(outcome.tieBreak).toBe(TIE_BREAK);
  });

  it('explains each project by its rank and the budget left when its turn came', () => {
    const outcome = countVotes(example1, greedy);
    expect(reasonOf(outcome, 'bike')).toEqual({ code: 'greedy-selected', rank: 1, budgetLeft: 110_000n });
    expect(reasonOf(outcome, 'gym')).toEqual({ code: 'greedy-selected', rank: 2, budgetLeft: 40_000n });
    expect(reasonOf(outcome, 'park')).toEqual({ code: 'greedy-too-expensive', rank: 3, budgetLeft: 0n });
    expect(outcome.projects.map((p) => [p.id, p.support, p.supporters])).toEqual([
      ['bike', 7, 7], ['gym', 6, 6], ['park', 5, 5], ['playground', 4, 4], ['library', 3, 3],
    ]);
  });

  it('skips a project that no longer fits and still gives the next ones their turn', () => {
    const outcome = countVotes(approvalElection(10, { a: 6, b: 5, c: 4 }, [['a', 'b', 'c'], ['a', 'b'], ['a']]), greedy);
    expect(outcome.selected).toEqual(['a', 'c']);
    expect(reasonOf(outcome, 'b')).toEqual({ code: 'greedy-too-expensive', rank: 2, budgetLeft: 400n });
  });

  it('breaks a tie on support by the lower cost, then the smaller id, and reports it', () => {
    const outcome = countVotes(approvalElection(10, { z: 6, y: 6, x: 5 }, [['x', 'y', 'z']]), greedy);
    expect(outcome.selected).toEqual(['x']);
    expect(outcome.ties).toEqual([{ stage: 'greedy', among: ['x', 'y', 'z'], chosen: 'x' }]);
    const same = countVotes(approvalElection(6, { z: 6, y: 6 }, [['y', 'z']]), greedy);
    expect(same.selected).toEqual(['y']);
  });

  it('counts points ballots by total points', () => {
    const outcome = countVotes(pointsElection(10, { a: 6, b: 6 }, [{ a: 1, b: 3 }, { a: 2 }]), greedy);
    expect(outcome.projects.map((p) => [p.id, p.support, p.supporters])).toEqual([['a', 3, 2], ['b', 3, 1]]);
    // Tied on 3 points and on cost: the smaller id goes first, and b no longer fits.
    expect(outcome.selected).toEqual(['a']);
  });

  it('never funds a project nobody voted for', () => {
    const outcome = countVotes(approvalElection(10, { a: 1, b: 1 }, [['a']]), greedy);
    expect(outcome.selected).toEqual(['a']);
    expect(reasonOf(outcome, 'b')).toEqual({ code: 'no-support' });
    expect(outcome.exhaustive).toBe(true);
  });

  it('refuses ballots naming an unknown project, duplicate voters and bad points', () => {
    const e = approvalElection(10, { a: 1 }, [['a']]);
    expect(() => countVotes({ ...e, ballots: [{ voter: 'v', kind: 'approval', approved: ['nope'] }] }, greedy)).toThrow(CountInputError);
    expect(() => countVotes({ ...e, ballots: [...e.ballots, ...e.ballots] }, greedy)).toThrow(/duplicate-voter/);
    expect(() => countVotes({ ...e, ballots: [{ voter: 'v', kind: 'points', points: { a: 1.5 } }] }, greedy)).toThrow(/bad-points/);
    expect(() => countVotes({ ...e, ballots: [{ voter: 'v', kind: 'points', points: { a: -1 } }] }, greedy)).toThrow(/bad-points/);
  });
});
