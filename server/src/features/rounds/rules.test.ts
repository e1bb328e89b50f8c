import { describe, expect, it } from 'vitest';
import { changedSettings, criteriaRefusal, editRefusal, phaseChangeRefusal, scheduledNextPhase, settingsErrors, type RoundSettings } from './rules.ts';

const settings: RoundSettings = {
  title: 'Budget 2027',
  description: '',
  currency: 'EUR',
  kind: 'one_off',
  defaultAllowanceCents: 43_000,
  perBucketCapCents: null,
  minCoProposers: 1,
  approvalRequired: false,
  nearlyFundedPercent: 80,
  shortfallRule: 'return',
  allowanceHolders: 'all_members',
  contributorsVisible: false,
  proposalsOpenAt: new Date('2027-01-01T00:00:00Z'),
  fundingOpensAt: new Date('2027-02-01T00:00:00Z'),
  closesAt: new Date('2027-03-01T00:00:00Z'),
  presentationAt: null,
  boardMeetingAt: null,
};

describe('changedSettings', () => {
  it('ignores fields sent with their current value, dates compared as instants', () => {
    expect(changedSettings(settings, { title: 'Budget 2027', fundingOpensAt: new Date('2027-02-01T00:00:00Z'), defaultAllowanceCents: 50_000 })).toEqual([
      'defaultAllowanceCents',
    ]);
  });

  it('sees a date cleared', () => {
    expect(changedSettings(settings, { closesAt: null })).toEqual(['closesAt']);
  });
});

describe('editRefusal', () => {
  it('lets anything change before funding', () => {
    expect(editRefusal('draft', ['kind', 'currency', 'defaultAllowanceCents'])).toBeNull();
    expect(editRefusal('proposals', ['perBucketCapCents', 'shortfallRule'])).toBeNull();
  });

  it('freezes the money rules once funding has started, naming them', () => {
    const refusal = editRefusal('funding', ['title', 'defaultAllowanceCents', 'shortfallRule']);
    expect(refusal).toMatchObject({ code: 'round_rules_frozen', fields: ['defaultAllowanceCents', 'shortfallRule'] });
  });

  it('still lets the title, description, close, presentation and board dates change during funding', () => {
    expect(editRefusal('funding', ['title', 'description', 'closesAt', 'presentationAt', 'boardMeetingAt', 'nearlyFundedPercent', 'contributorsVisible'])).toBeNull();
  });

  it('refuses every change to a closed round', () => {
    expect(editRefusal('closed', ['title'])?.code).toBe('round_closed');
    expect(editRefusal('closed', [])?.code).toBe('round_closed');
  });
});

describe('settingsErrors', () => {
  it('accepts dates in order', () => {
    expect(settingsErrors(settings)).toEqual([]);
  });

  it('accepts proposals and funding opening at the same time', () => {
    expect(settingsErrors({ ...settings, proposalsOpenAt: settings.fundingOpensAt })).toEqual([]);
  });

  it('refuses funding before proposals', () => {
    expect(settingsErrors({ ...settings, proposalsOpenAt: new Date('2027-02-02T00:00:00Z') })).toEqual([
      { path: 'body.fundingOpensAt', message: expect.any(String) },
    ]);
  });

  it('refuses a close at or before funding opens', () => {
    expect(settingsErrors({ ...settings, closesAt: settings.fundingOpensAt }).map((e) => e.path)).toEqual(['body.closesAt']);
  });

  it('refuses a close before proposals when funding has no date', () => {
    expect(settingsErrors({ ...settings, fundingOpensAt: null, closesAt: new Date('2026-12-01T00:00:00Z') }).map((e) => e.path)).toEqual(['body.closesAt']);
  });

  it('refuses a close date on a permanent round', () => {
    expect(settingsErrors({ ...settings, kind: 'permanent' }).map((e) => e.path)).toEqual(['body.closesAt']);
    expect(settingsErrors({ ...settings, kind: 'permanent', closesAt: null })).toEqual([]);
  });
});

describe('phaseChangeRefusal', () => {
  it.each([
    ['draft', 'proposals'],
    ['draft', 'funding'],
    ['proposals', 'funding'],
  ] as const)('lets a round go from %s to %s', (from, to) => {
    expect(phaseChangeRefusal(from, to)).toBeNull();
  });

  it.each([
    ['proposals', 'draft'],
    ['funding', 'proposals'],
    ['funding', 'draft'],
    ['closed', 'funding'],
    ['draft', 'draft'],
    ['funding', 'funding'],
  ] as const)('refuses %s to %s', (from, to) => {
    expect(phaseChangeRefusal(from, to)?.code).toBe('invalid_phase_transition');
  });

  it('sends closing to the close route', () => {
    expect(phaseChangeRefusal('funding', 'closed')?.code).toBe('use_close');
  });
});

describe('scheduledNextPhase', () => {
  const round = { phase: 'draft' as const, proposalsOpenAt: new Date('2027-01-01T00:00:00Z'), fundingOpensAt: new Date('2027-02-01T00:00:00Z') };

  it('does nothing before the first date', () => {
    expect(scheduledNextPhase(round, new Date('2026-12-31T23:59:59Z'))).toBeNull();
  });

  it('opens proposals when their date comes', () => {
    expect(scheduledNextPhase(round, new Date('2027-01-01T00:00:00Z'))).toBe('proposals');
  });

  it('opens funding when its date comes, from proposals', () => {
    expect(scheduledNextPhase({ ...round, phase: 'proposals' }, new Date('2027-02-01T00:00:00Z'))).toBe('funding');
  });

  it('goes one step at a time when both dates have passed', () => {
    expect(scheduledNextPhase(round, new Date('2027-02-15T00:00:00Z'))).toBe('proposals');
  });

  it('opens funding straight from draft when proposals have no date', () => {
    expect(scheduledNextPhase({ ...round, proposalsOpenAt: null }, new Date('2027-02-15T00:00:00Z'))).toBe('funding');
  });

  it('leaves funding and closed rounds alone', () => {
    expect(scheduledNextPhase({ ...round, phase: 'funding' }, new Date('2030-01-01T00:00:00Z'))).toBeNull();
    expect(scheduledNextPhase({ ...round, phase: 'closed' }, new Date('2030-01-01T00:00:00Z'))).toBeNull();
  });
});

describe('criteriaRefusal', () => {
  it('allows changes until funding', () => {
    expect(criteriaRefusal('draft')).toBeNull();
    expect(criteriaRefusal('proposals')).toBeNull();
    expect(criteriaRefusal('funding')?.code).toBe('criteria_frozen');
    expect(criteriaRefusal('closed')?.code).toBe('criteria_frozen');
  });
});
