import { describe, expect, it } from 'vitest';
import { emptyDraft, roundFromDraft, wallClock } from './round-draft.ts';

describe('a round draft', () => {
  it('turns typed amounts into exact cents and blank dates into none', () => {
    const result = roundFromDraft({ ...emptyDraft(), title: ' Projets 2027 ', allowance: '430,50', cap: '' }, 'fr', 'EUR');
    expect(result).toMatchObject({ ok: true, round: { title: 'Projets 2027', defaultAllowanceCents: 43_050, perBucketCapCents: null, closesAt: null } });
  });

  it('names the fields that are wrong', () => {
    expect(roundFromDraft({ ...emptyDraft(), title: '', allowance: 'abc', cap: '0' }, 'en', 'EUR')).toEqual({
      ok: false,
      errors: { title: 'required', allowance: 'amount', cap: 'amount' },
    });
  });

  it('gives a vote round no allowance and no cap, whatever was typed before choosing it', () => {
    expect(roundFromDraft({ ...emptyDraft(), title: 'Budget participatif', kind: 'vote', allowance: '100', cap: 'abc' }, 'fr', 'EUR')).toMatchObject({
      ok: true,
      round: { kind: 'vote', defaultAllowanceCents: 0, perBucketCapCents: null },
    });
  });

  it('shows an instant on the organisation’s wall clock, across a change of time', () => {
    expect(wallClock('2026-12-01T17:00:00Z', 'Europe/Paris')).toBe('2026-12-01T18:00');
    expect(wallClock('2026-07-01T17:00:00Z', 'Europe/Paris')).toBe('2026-07-01T19:00');
    expect(wallClock(null, 'Europe/Paris')).toBe('');
  });
});
