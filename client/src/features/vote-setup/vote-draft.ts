import { voteSettingsErrors, type VoteSettings, type VoteSettingsInput } from '@cagnotte/shared';
import { moneyInputText, parseMoney } from '../../money/parse-money.ts';

/** A district as the form holds it: `key` keeps the row's identity in the list while its name is typed. */
export type DistrictDraft = { key: string; id?: string; name: string; budget: string };

/** A vote round's settings as the form holds them: amounts as typed, counts as numbers. */
export type VoteDraft = {
  budget: string;
  ballotKind: 'approval' | 'points';
  minProjects: number;
  /** Empty: no limit. */
  maxProjects: string;
  maxPerProject: number;
  maxTotal: number;
  rule: 'greedy' | 'mes';
  add1: boolean;
  compareWithGreedy: boolean;
  hideCounts: boolean;
  districts: DistrictDraft[];
};

let keys = 0;
export const newDistrict = (): DistrictDraft => ({ key: `new-${++keys}`, name: '', budget: '' });

export function emptyVoteDraft(): VoteDraft {
  return { budget: '', ballotKind: 'approval', minProjects: 1, maxProjects: '', maxPerProject: 3, maxTotal: 7, rule: 'greedy', add1: true, compareWithGreedy: false, hideCounts: false, districts: [] };
}

export function voteDraftOf(settings: VoteSettings, locale: string, currency: string): VoteDraft {
  const { ballot, rule } = settings;
  return {
    budget: moneyInputText(settings.budgetCents, locale, currency),
    ballotKind: ballot.kind,
    minProjects: ballot.kind === 'approval' ? ballot.minProjects : 1,
    maxProjects: ballot.kind === 'approval' && ballot.maxProjects !== null ? String(ballot.maxProjects) : '',
    maxPerProject: ballot.kind === 'points' ? ballot.maxPerProject : 3,
    maxTotal: ballot.kind === 'points' ? ballot.maxTotal : 7,
    rule: rule.kind,
    add1: rule.kind === 'mes' ? rule.completion === 'add1' : true,
    compareWithGreedy: rule.kind === 'mes' ? rule.compareWithGreedy : false,
    hideCounts: settings.hideCounts,
    districts: settings.districts.map((d) => ({ key: d.id, id: d.id, name: d.name, budget: moneyInputText(d.budgetCents, locale, currency) })),
  };
}

/** Why a field is refused: a key under `voteSetup.error`. */
export type VoteDraftError = 'required' | 'amount' | 'count' | 'noBudget' | 'maxBelowMin' | 'totalBelowPerProject' | 'districtBudget';
export type VoteDraftResult = { ok: true; input: VoteSettingsInput } | { ok: false; errors: Record<string, VoteDraftError> };

const count = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : null);

/**
 * The settings the draft describes, in exact cents, checked by the server's own rules
 * (`voteSettingsErrors`): errors are keyed by field — `budget`, `maxProjects`, `district-<key>`…
 */
export function voteFromDraft(draft: VoteDraft, locale: string, currency: string): VoteDraftResult {
  const errors: Record<string, VoteDraftError> = {};
  const budgetCents = draft.budget.trim() === '' ? 0 : parseMoney(draft.budget, locale, currency);
  if (budgetCents === null) errors.budget = 'amount';
  const districts = draft.districts.map((d) => {
    const cents = parseMoney(d.budget, locale, currency);
    if (!d.name.trim()) errors[`district-${d.key}-name`] = 'required';
    if (cents === null) errors[`district-${d.key}-budget`] = 'amount';
    else if (cents <= 0) errors[`district-${d.key}-budget`] = 'districtBudget';
    return { ...(d.id ? { id: d.id } : {}), name: d.name.trim(), budgetCents: cents ?? 0 };
  });
  let ballot: VoteSettingsInput['ballot'];
  if (draft.ballotKind === 'approval') {
    const min = count(draft.minProjects);
    const max = draft.maxProjects.trim() === '' ? null : count(Number(draft.maxProjects));
    if (min === null) errors.minProjects = 'count';
    if (draft.maxProjects.trim() !== '' && max === null) errors.maxProjects = 'count';
    ballot = { kind: 'approval', minProjects: min ?? 1, maxProjects: max };
  } else {
    const perProject = count(draft.maxPerProject);
    const total = count(draft.maxTotal);
    if (perProject === null) errors.maxPerProject = 'count';
    if (total === null) errors.maxTotal = 'count';
    ballot = { kind: 'points', maxPerProject: perProject ?? 1, maxTotal: total ?? 1 };
  }
  const input: VoteSettingsInput = {
    budgetCents: budgetCents ?? 0,
    ballot,
    rule: draft.rule === 'greedy' ? { kind: 'greedy' } : { kind: 'mes', completion: draft.add1 ? 'add1' : 'none', compareWithGreedy: draft.compareWithGreedy },
    hideCounts: draft.hideCounts,
    districts,
  };
  if (Object.keys(errors).length === 0) {
    const byPath: Record<string, [string, VoteDraftError]> = {
      'body.budgetCents': ['budget', 'noBudget'],
      'body.ballot.maxProjects': ['maxProjects', 'maxBelowMin'],
      'body.ballot.maxTotal': ['maxTotal', 'totalBelowPerProject'],
    };
    for (const e of voteSettingsErrors(input)) {
      const [field, why] = byPath[e.path] ?? ['form', 'required'];
      errors[field] = why;
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, input };
}
