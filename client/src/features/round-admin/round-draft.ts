import type { AllowanceHolders, NewRound, Round, RoundKind, RoundPatch, ShortfallRule } from '@cagnotte/shared';
import { moneyInputText, parseMoney } from '../../money/parse-money.ts';

/** A round's settings as the form holds them: amounts and dates as typed. */
export type RoundDraft = {
  title: string;
  description: string;
  kind: RoundKind;
  allowance: string;
  cap: string;
  minCoProposers: number;
  approvalRequired: boolean;
  nearlyFundedPercent: number;
  shortfallRule: ShortfallRule;
  allowanceHolders: AllowanceHolders;
  contributorsVisible: boolean;
  proposalsOpenAt: string;
  fundingOpensAt: string;
  closesAt: string;
  boardMeetingAt: string;
};
export const DATE_FIELDS = ['proposalsOpenAt', 'fundingOpensAt', 'closesAt', 'boardMeetingAt'] as const;

export function emptyDraft(): RoundDraft {
  return {
    title: '',
    description: '',
    kind: 'one_off',
    allowance: '',
    cap: '',
    minCoProposers: 1,
    approvalRequired: true,
    nearlyFundedPercent: 80,
    shortfallRule: 'return',
    allowanceHolders: 'all_members',
    contributorsVisible: false,
    proposalsOpenAt: '',
    fundingOpensAt: '',
    closesAt: '',
    boardMeetingAt: '',
  };
}

/** "2026-12-01T18:00": an instant as the wall clock of `timeZone` shows it, for a datetime-local field. */
export function wallClock(iso: string | null, timeZone: string): string {
  if (!iso) return '';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export function draftOf(round: Round, locale: string, timeZone: string): RoundDraft {
  return {
    title: round.title,
    description: round.description,
    kind: round.kind,
    allowance: moneyInputText(round.defaultAllowanceCents, locale, round.currency),
    cap: round.perBucketCapCents === null ? '' : moneyInputText(round.perBucketCapCents, locale, round.currency),
    minCoProposers: round.minCoProposers,
    approvalRequired: round.approvalRequired,
    nearlyFundedPercent: round.nearlyFundedPercent,
    shortfallRule: round.shortfallRule,
    allowanceHolders: round.allowanceHolders,
    contributorsVisible: round.contributorsVisible,
    proposalsOpenAt: wallClock(round.proposalsOpenAt, timeZone),
    fundingOpensAt: wallClock(round.fundingOpensAt, timeZone),
    closesAt: wallClock(round.closesAt, timeZone),
    boardMeetingAt: wallClock(round.boardMeetingAt, timeZone),
  };
}

export type DraftResult = { ok: true; round: Required<Omit<NewRound, 'currency' | 'presentationAt'>> } | { ok: false; errors: Record<string, 'required' | 'amount'> };

/**
 * The round the draft describes, dates as local date-times that the server reads in the
 * organisation's time zone, amounts in exact cents.
 */
export function roundFromDraft(draft: RoundDraft, locale: string, currency: string): DraftResult {
  const errors: Record<string, 'required' | 'amount'> = {};
  if (!draft.title.trim()) errors.title = 'required';
  // A vote round hands out no money (the server refuses an allowance): what was typed before choosing it is dropped.
  const vote = draft.kind === 'vote';
  const allowance = vote || draft.allowance.trim() === '' ? 0 : parseMoney(draft.allowance, locale, currency);
  if (allowance === null) errors.allowance = 'amount';
  const cap = vote || draft.cap.trim() === '' ? null : parseMoney(draft.cap, locale, currency);
  if (!vote && (cap === 0 || (draft.cap.trim() !== '' && cap === null))) errors.cap = 'amount';
  if (Object.keys(errors).length > 0 || allowance === null) return { ok: false, errors };
  const date = (value: string) => (value ? value : null);
  return {
    ok: true,
    round: {
      title: draft.title.trim(),
      description: draft.description,
      kind: draft.kind,
      defaultAllowanceCents: allowance,
      perBucketCapCents: cap,
      minCoProposers: draft.minCoProposers,
      approvalRequired: draft.approvalRequired,
      nearlyFundedPercent: draft.nearlyFundedPercent,
      shortfallRule: draft.shortfallRule,
      allowanceHolders: draft.allowanceHolders,
      contributorsVisible: draft.contributorsVisible,
      proposalsOpenAt: date(draft.proposalsOpenAt),
      fundingOpensAt: date(draft.fundingOpensAt),
      closesAt: date(draft.closesAt),
      boardMeetingAt: date(draft.boardMeetingAt),
    },
  };
}

/** Only what changed, so that frozen fields (money rules once funding started) are not sent back. */
export function changedFields(next: Record<string, unknown>, before: Record<string, unknown>): RoundPatch {
  return Object.fromEntries(Object.entries(next).filter(([key, value]) => before[key] !== value)) as RoundPatch;
}
