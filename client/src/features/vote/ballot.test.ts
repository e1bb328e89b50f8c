import { describe, expect, it } from 'vitest';
import { ballotBody, countOf, localRefusal, sameChoices, totalOf } from './ballot.ts';

describe('the ballot editor', () => {
  it('sends approvals as a list and points as a map, without zeros', () => {
    expect(ballotBody({ kind: 'approval', minProjects: 1, maxProjects: null }, { a: 1, b: 0 }, null)).toEqual({ kind: 'approval', approved: ['a'] });
    expect(ballotBody({ kind: 'points', maxPerProject: 3, maxTotal: 7 }, { a: 3, b: 0 }, 'd')).toEqual({ kind: 'points', districtId: 'd', points: { a: 3 } });
  });

  it('counts and compares choices, zeros being no choice', () => {
    expect([countOf({ a: 2, b: 0 }), totalOf({ a: 2, b: 3 })]).toEqual([1, 5]);
    expect(sameChoices({ a: 1, b: 0 }, { a: 1 })).toBe(true);
    expect(localRefusal({ kind: 'points', maxPerProject: 3, maxTotal: 7 }, { a: 3, b: 3, c: 2 })?.code).toBe('too_many_points');
  });
});
