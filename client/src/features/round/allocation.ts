import type { Problem } from '@cagnotte/shared';

/** What the control needs to know to offer its quick amounts. */
export type AllocationContext = {
  mineCents: number;
  remainingCents: number;
  missingToMinimumCents: number;
  roomLeftCents: number;
  capCents: number | null;
  /** A permanent round's project past its minimum: what I put in is committed. */
  committedCents: number;
};

/** The most I may put in this project now: my amount plus what I have left, within its room and the cap. */
export function maxAmount(c: AllocationContext): number {
  const most = c.mineCents + Math.min(c.remainingCents, c.roomLeftCents);
  return c.capCents === null ? most : Math.min(most, Math.max(c.capCents, c.mineCents));
}

export type QuickAction = { id: 'plus10' | 'plus50' | 'fill' | 'everything' | 'withdraw'; amountCents: number };

/**
 * The quick amounts, as absolute amounts (the API sets, not adds). Only those that change
 * something and the server could accept are offered; "fill to the minimum" is the smaller of what
 * the project misses and what I have left.
 */
export function quickActions(c: AllocationContext, unit = 100): QuickAction[] {
  const top = maxAmount(c);
  const out: QuickAction[] = [];
  const add = (id: QuickAction['id'], amountCents: number) => {
    if (amountCents !== c.mineCents && amountCents >= c.committedCents && amountCents >= 0) out.push({ id, amountCents });
  };
  if (c.mineCents + 10 * unit <= top) add('plus10', c.mineCents + 10 * unit);
  if (c.mineCents + 50 * unit <= top) add('plus50', c.mineCents + 50 * unit);
  if (c.missingToMinimumCents > 0 && c.remainingCents > 0) add('fill', Math.min(c.mineCents + Math.min(c.missingToMinimumCents, c.remainingCents), top));
  if (c.remainingCents > 0) add('everything', top);
  if (c.mineCents > 0) add('withdraw', 0);
  return out;
}

/** The arrow keys' step: one unit of the currency (ten with Shift), never below what is committed. */
export function stepped(cents: number, direction: 1 | -1, big: boolean, floor: number, unit = 100): number {
  const step = (big ? 10 : 1) * unit;
  const next = direction > 0 ? Math.floor(cents / step) * step + step : Math.ceil(cents / step) * step - step;
  return Math.max(floor, next);
}

/** A refusal as the member reads it: an i18n key, its figures (cents), and the one-click fix, if any. */
export type Refusal = { key: string; figures: Record<string, number | string>; fixCents: number | null };

const cents = (value: unknown): number | null => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null);

/**
 * Reads the server's problem (codes and figures from cagnotte_allocate(), see
 * server/src/features/allocations/): the fix is the amount the server would take.
 */
export function explainRefusal(problem: Problem, asked: number, mine: number): Refusal {
  const p = problem as Problem & Record<string, unknown>;
  switch (problem.code) {
    case 'insufficient_allowance': {
      const remaining = cents(p.remainingCents) ?? 0;
      const max = cents(p.maxAmountCents);
      return { key: 'insufficient', figures: { remaining, needed: cents(p.neededCents) ?? asked - mine }, fixCents: max !== null && max !== mine && max !== asked ? max : null };
    }
    case 'bucket_full': {
      const max = cents(p.maxAmountCents);
      return { key: max !== null && max > 0 ? 'full' : 'fullNone', figures: { room: cents(p.roomLeftCents) ?? 0 }, fixCents: max !== null && max !== mine && max !== asked ? max : null };
    }
    case 'over_bucket_cap': {
      const cap = cents(p.capCents);
      return { key: 'cap', figures: { cap: cap ?? 0 }, fixCents: cap !== null && cap !== mine ? cap : null };
    }
    case 'allocation_committed': {
      const min = cents(p.minimumAmountCents) ?? mine;
      return { key: 'committed', figures: { min }, fixCents: null };
    }
    case 'bucket_not_open':
      return { key: 'notOpen', figures: { status: typeof p.bucketStatus === 'string' ? p.bucketStatus : '' }, fixCents: null };
    case 'round_not_funding':
      return { key: 'notFunding', figures: {}, fixCents: null };
    case 'no_allowance':
    case 'member_inactive':
      return { key: 'noAllowance', figures: {}, fixCents: null };
    case 'network_error':
      return { key: 'network', figures: {}, fixCents: null };
    default:
      return { key: 'other', figures: { detail: problem.detail ?? problem.title }, fixCents: null };
  }
}
