import { describe, expect, it } from 'vitest';
import { emptyVoteDraft, newDistrict, voteFromDraft } from './vote-draft.ts';

describe('voteFromDraft', () => {
  it('reads the Toulouse 2019 rules and Equal Shares with Add1 in exact cents', () => {
    const draft = { ...emptyVoteDraft(), budget: '1 000 000,50', ballotKind: 'points' as const, maxPerProject: 3, maxTotal: 7, rule: 'mes' as const };
    expect(voteFromDraft(draft, 'fr', 'EUR')).toEqual({
      ok: true,
      input: { budgetCents: 100_000_050, ballot: { kind: 'points', maxPerProject: 3, maxTotal: 7 }, rule: { kind: 'mes', completion: 'add1', compareWithGreedy: false }, hideCounts: false, districts: [] },
    });
  });

  it('refuses what the server refuses, beside the field: no budget, more per project than in all, min above max', () => {
    expect(voteFromDraft({ ...emptyVoteDraft(), budget: '0' }, 'en', 'EUR')).toEqual({ ok: false, errors: { budget: 'noBudget' } });
    expect(voteFromDraft({ ...emptyVoteDraft(), budget: '10', ballotKind: 'points', maxPerProject: 5, maxTotal: 3 }, 'en', 'EUR')).toEqual({ ok: false, errors: { maxTotal: 'totalBelowPerProject' } });
    expect(voteFromDraft({ ...emptyVoteDraft(), budget: '10', minProjects: 3, maxProjects: '2' }, 'en', 'EUR')).toEqual({ ok: false, errors: { maxProjects: 'maxBelowMin' } });
  });

  it('lets the districts carry the whole budget, each with a name and a budget above 0', () => {
    const north = { ...newDistrict(), name: 'Nord', budget: '500' };
    const south = { ...newDistrict(), name: ' ', budget: '0' };
    expect(voteFromDraft({ ...emptyVoteDraft(), districts: [north] }, 'en', 'EUR')).toMatchObject({ ok: true, input: { budgetCents: 0, districts: [{ name: 'Nord', budgetCents: 50_000 }] } });
    expect(voteFromDraft({ ...emptyVoteDraft(), districts: [north, south] }, 'en', 'EUR')).toEqual({
      ok: false,
      errors: { [`district-${south.key}-name`]: 'required', [`district-${south.key}-budget`]: 'districtBudget' },
    });
  });
});
