import { describe, expect, it } from 'vitest';
import { ballotRefusal, BallotRules } from './votes.ts';

describe('ballotRefusal', () => {
  const approval = BallotRules.parse({ kind: 'approval', minProjects: 2, maxProjects: 3 });
  const toulouse = BallotRules.parse({ kind: 'points', maxPerProject: 3, maxTotal: 7 });

  it('accepts an empty ballot: it withdraws the vote', () => {
    expect(ballotRefusal(approval, {})).toBeNull();
  });

  it('counts approvals against the minimum and the maximum', () => {
    expect(ballotRefusal(approval, { a: 1 })).toMatchObject({ code: 'too_few_projects', figures: { minProjects: 2, approved: 1 } });
    expect(ballotRefusal(approval, { a: 1, b: 1, c: 1, d: 1 })).toMatchObject({ code: 'too_many_projects', figures: { maxProjects: 3, approved: 4 } });
    expect(ballotRefusal(approval, { a: 1, b: 1 })).toBeNull();
  });

  it('keeps the Toulouse 2019 rules: 3 points per project, 7 in all', () => {
    expect(ballotRefusal(toulouse, { a: 4 })).toMatchObject({ code: 'too_many_points_on_project', figures: { maxPerProject: 3, bucketId: 'a', points: 4 } });
    expect(ballotRefusal(toulouse, { a: 3, b: 3, c: 2 })).toMatchObject({ code: 'too_many_points', figures: { maxTotal: 7, total: 8 } });
    expect(ballotRefusal(toulouse, { a: 3, b: 3, c: 1 })).toBeNull();
  });
});
