import { RoundPhase, type Decision } from '@cagnotte/shared';

type Translate = (key: string, values?: Record<string, unknown>) => string;

const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * One line of the round's history in plain words, from the decision's kind and data (the
 * project's title, when there is one, follows it as a link). `phaseName` names a phase as the
 * round's kind does (a vote's funding phase is its vote).
 */
export function decisionText(decision: Decision, t: Translate, money: (cents: number) => string, phaseName: (phase: RoundPhase) => string): string {
  const data = decision.data;
  const key = `records.decision.${decision.kind}`;
  switch (decision.kind) {
    case 'phase_changed': {
      const to = RoundPhase.safeParse(data.to);
      return t('records.decision.phase_changed', { phase: to.success ? phaseName(to.data) : (text(data.to) ?? '') });
    }
    case 'allowance_granted':
      return t(key, { amount: money(number(data.amountCents) ?? 0), members: number(data.members) ?? 0 });
    case 'allocations_returned':
    case 'bucket_withdrawn':
    case 'bucket_rejected':
    case 'board_returned': {
      const returned = number(data.returnedCents);
      return returned ? t(`${key}_money`, { amount: money(returned) }) : t(key);
    }
    default:
      return t(key);
  }
}

/** How the history marks it: a good outcome, a bad one, a phase, or neutral. */
export function decisionTone(decision: Decision): 'good' | 'bad' | 'phase' | 'neutral' {
  if (['bucket_approved', 'bucket_funded', 'board_accepted', 'bucket_completed', 'funding_ended'].includes(decision.kind)) return 'good';
  if (['bucket_rejected', 'bucket_not_funded', 'board_returned', 'bucket_withdrawn'].includes(decision.kind)) return 'bad';
  if (decision.kind === 'phase_changed') return 'phase';
  return 'neutral';
}
