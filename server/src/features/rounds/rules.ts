import type { AllowanceHolders, RoundKind, RoundPhase, ShortfallRule } from '@cagnotte/shared';

export type FieldError = { path: string; message: string };
export type Refusal = { code: string; detail: string; fields?: string[] };

/** The editable settings of a round, dates already resolved to instants. */
export type RoundSettings = {
  title: string;
  description: string;
  currency: string;
  kind: RoundKind;
  defaultAllowanceCents: number;
  perBucketCapCents: number | null;
  minCoProposers: number;
  approvalRequired: boolean;
  nearlyFundedPercent: number;
  shortfallRule: ShortfallRule;
  allowanceHolders: AllowanceHolders;
  contributorsVisible: boolean;
  proposalsOpenAt: Date | null;
  fundingOpensAt: Date | null;
  closesAt: Date | null;
  presentationAt: Date | null;
  boardMeetingAt: Date | null;
};
export type SettingName = keyof RoundSettings;

const PHASE_ORDER: readonly RoundPhase[] = ['draft', 'proposals', 'funding', 'closed'];

/**
 * What must stay as it was once funding has started: the money rules (members already hold
 * their allowance and allocate under them) and what decided which projects entered funding.
 * Title, description, the threshold, the contributors' visibility, the close, presentation and
 * board dates stay editable until the round is closed.
 */
export const FROZEN_ONCE_FUNDING: readonly SettingName[] = [
  'defaultAllowanceCents',
  'perBucketCapCents',
  'kind',
  'currency',
  'shortfallRule',
  'allowanceHolders',
  'approvalRequired',
  'minCoProposers',
  'proposalsOpenAt',
  'fundingOpensAt',
];

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

/** The settings `patch` actually changes: sending a field unchanged (a whole form) changes nothing. */
export function changedSettings(current: RoundSettings, patch: Partial<RoundSettings>): SettingName[] {
  return (Object.keys(patch) as SettingName[]).filter((name) => patch[name] !== undefined && !same(current[name], patch[name]));
}

/** Whether a round in `phase` may change these settings; null when it may. */
export function editRefusal(phase: RoundPhase, changed: readonly SettingName[]): Refusal | null {
  if (phase === 'closed') return { code: 'round_closed', detail: 'This round is closed; it can no longer be changed.' };
  if (phase === 'funding') {
    const frozen = changed.filter((name) => FROZEN_ONCE_FUNDING.includes(name));
    if (frozen.length > 0) {
      return {
        code: 'round_rules_frozen',
        detail: `Funding has started: ${frozen.join(', ')} can no longer change.`,
        fields: frozen,
      };
    }
  }
  return null;
}

/**
 * Checks the dates and kind together: proposals open no later than funding, funding opens before
 * the close, and a permanent round has no close date. Errors name the field to fix, as `body.<field>`.
 */
export function settingsErrors(
  settings: Pick<RoundSettings, 'kind' | 'proposalsOpenAt' | 'fundingOpensAt' | 'closesAt'> & Partial<Pick<RoundSettings, 'defaultAllowanceCents'>>,
): FieldError[] {
  const errors: FieldError[] = [];
  const { kind, proposalsOpenAt, fundingOpensAt, closesAt } = settings;
  if (kind === 'vote' && (settings.defaultAllowanceCents ?? 0) > 0) {
    errors.push({ path: 'body.defaultAllowanceCents', message: 'a vote round hands out no allowance; leave it at 0' });
  }
  if (kind === 'permanent' && closesAt) {
    errors.push({ path: 'body.closesAt', message: 'a permanent round never closes; leave closesAt empty' });
  }
  if (proposalsOpenAt && fundingOpensAt && proposalsOpenAt > fundingOpensAt) {
    errors.push({ path: 'body.fundingOpensAt', message: 'funding cannot open before proposals (proposalsOpenAt)' });
  }
  if (closesAt && fundingOpensAt && closesAt <= fundingOpensAt) {
    errors.push({ path: 'body.closesAt', message: 'the round must close after funding opens (fundingOpensAt)' });
  } else if (closesAt && !fundingOpensAt && proposalsOpenAt && closesAt <= proposalsOpenAt) {
    errors.push({ path: 'body.closesAt', message: 'the round must close after proposals open (proposalsOpenAt)' });
  }
  return errors;
}

/**
 * The phases an admin may move a round to: forward only, skipping proposals if they wish.
 * Closing has its own route (it settles the money); a permanent round stays in funding.
 */
export function phaseChangeRefusal(from: RoundPhase, to: RoundPhase): Refusal | null {
  if (to === 'closed') {
    return { code: 'use_close', detail: 'Close a round with POST /api/rounds/:roundId/close: closing settles its projects.' };
  }
  if (PHASE_ORDER.indexOf(to) <= PHASE_ORDER.indexOf(from)) {
    return { code: 'invalid_phase_transition', detail: `A round in ${from} cannot go to ${to}: phases only move forward.` };
  }
  return null;
}

/**
 * The next phase a round's dates call for at `now`, one step at a time, or null. Only draft and
 * proposals move on their own; the scheduled close is the close feature's.
 */
export function scheduledNextPhase(
  round: { phase: RoundPhase; proposalsOpenAt: Date | null; fundingOpensAt: Date | null },
  now: Date,
): 'proposals' | 'funding' | null {
  const due = (date: Date | null) => date !== null && date <= now;
  if (round.phase === 'draft' && due(round.proposalsOpenAt)) return 'proposals';
  if ((round.phase === 'draft' || round.phase === 'proposals') && due(round.fundingOpensAt)) return 'funding';
  return null;
}

/** Criteria (the appraisal grid) are set before funding; members flag projects against them. */
export function criteriaRefusal(phase: RoundPhase): Refusal | null {
  if (phase === 'funding' || phase === 'closed') {
    return { code: 'criteria_frozen', detail: 'The appraisal grid can only change before funding starts.' };
  }
  return null;
}
