import type { BucketStatus, ProposerStatus, Role } from '@cagnotte/shared';

/** The status changes this feature makes. */
export type BucketAction = 'propose' | 'withdraw' | 'approve' | 'reject' | 'request_changes' | 'merge';

/** Who acts: an accepted proposer of the bucket, or staff by role (a person may be both). */
export type Party = 'proposer' | 'reviewer' | 'admin';

export type TransitionRule = { from: readonly BucketStatus[]; to: BucketStatus; by: readonly Party[] };

/**
 * Every status change made here, and who may make it. `propose` may go straight on to `open`
 * (see `proposeTarget`); opening proposed buckets when a round enters funding is the rounds
 * feature's.
 */
export const TRANSITIONS: Readonly<Record<BucketAction, TransitionRule>> = {
  propose: { from: ['draft'], to: 'proposed', by: ['proposer'] },
  withdraw: { from: ['draft', 'proposed', 'open'], to: 'withdrawn', by: ['proposer', 'admin'] },
  approve: { from: ['proposed'], to: 'open', by: ['reviewer', 'admin'] },
  reject: { from: ['proposed', 'open'], to: 'rejected', by: ['reviewer', 'admin'] },
  request_changes: { from: ['proposed'], to: 'draft', by: ['reviewer', 'admin'] },
  merge: { from: ['draft', 'proposed', 'open'], to: 'merged', by: ['reviewer', 'admin'] },
};

/** Set by the closing and settlement features, never by a transition of this one. */
export const NOT_REACHABLE_FROM_HERE: readonly BucketStatus[] = ['funded', 'awaiting_board', 'not_funded', 'completed'];

export function partiesOf(role: Role, isAcceptedProposer: boolean): Party[] {
  const parties: Party[] = [];
  if (isAcceptedProposer) parties.push('proposer');
  if (role === 'reviewer' || role === 'admin') parties.push(role);
  return parties;
}

export type TransitionRefusal = { kind: 'forbidden'; by: readonly Party[] } | { kind: 'wrong_status'; allowedFrom: readonly BucketStatus[] };

/** Permission first (a member approving is a 403 whatever the status), then the status. */
export function checkTransition(action: BucketAction, status: BucketStatus, parties: readonly Party[]): TransitionRefusal | null {
  const rule = TRANSITIONS[action];
  if (!parties.some((party) => rule.by.includes(party))) return { kind: 'forbidden', by: rule.by };
  if (!rule.from.includes(status)) return { kind: 'wrong_status', allowedFrom: rule.from };
  return null;
}

type RoundState = { kind: 'one_off' | 'permanent' | 'vote'; phase: 'draft' | 'proposals' | 'funding' | 'closed'; approvalRequired: boolean };

/** Projects are posted during the proposal phase; a permanent round takes them while funding too. */
export function acceptsProposals(round: Pick<RoundState, 'kind' | 'phase'>): boolean {
  return round.phase === 'proposals' || (round.kind === 'permanent' && round.phase === 'funding');
}

/** Reviewers act on a round's buckets from the proposal phase until the close. */
export function acceptsReview(round: Pick<RoundState, 'phase'>): boolean {
  return round.phase === 'proposals' || round.phase === 'funding';
}

/**
 * Proposing goes straight to `open` only where nobody has to approve and funding is already on
 * (a permanent round); otherwise the bucket waits as `proposed` for review or for funding to open.
 */
export function proposeTarget(round: Pick<RoundState, 'phase' | 'approvalRequired'>): 'proposed' | 'open' {
  return !round.approvalRequired && round.phase === 'funding' ? 'open' : 'proposed';
}

/** Text can be refined until the bucket's fate is sealed; the budget only until it opens for funding. */
export const EDITABLE: readonly BucketStatus[] = ['draft', 'proposed', 'open'];
export const BUDGET_EDITABLE: readonly BucketStatus[] = ['draft', 'proposed'];

export function editRefusal(status: BucketStatus, touchesBudget: boolean): 'bucket_not_editable' | 'budget_frozen' | null {
  if (!EDITABLE.includes(status)) return 'bucket_not_editable';
  if (touchesBudget && !BUDGET_EDITABLE.includes(status)) return 'budget_frozen';
  return null;
}

/** Co-proposers may be invited while the bucket is still alive. */
export const INVITABLE: readonly BucketStatus[] = EDITABLE;


/** A draft is seen only by the people working on it and by staff. */
export function canSeeDraft(role: Role, proposerStatus: ProposerStatus | null): boolean {
  return role === 'reviewer' || role === 'admin' || proposerStatus === 'invited' || proposerStatus === 'accepted';
}

export type RemovalRefusal = 'not_a_proposer' | 'only_they_can_leave' | 'last_proposer';

/**
 * A proposer leaves (anyone on the list may take themselves off, except the last accepted one),
 * or an accepted proposer withdraws someone else's invitation; nobody removes an accepted
 * co-proposer but themselves.
 */
export function removalRefusal(input: {
  self: boolean;
  actorStatus: ProposerStatus | null;
  targetStatus: ProposerStatus;
  acceptedCount: number;
}): RemovalRefusal | null {
  if (input.self) return input.targetStatus === 'accepted' && input.acceptedCount <= 1 ? 'last_proposer' : null;
  if (input.actorStatus !== 'accepted') return 'not_a_proposer';
  if (input.targetStatus === 'accepted') return 'only_they_can_leave';
  return null;
}

/** Structural equality that ignores key order (jsonb does not keep it). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length && keys.every((key) => key in right && sameValue(left[key], right[key]));
  }
  return false;
}

/** Only the fields the edit really changes, each with its value before and after. */
export function diffFields<T extends Record<string, unknown>>(before: T, after: Partial<T>): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after) as (keyof T & string)[]) {
    const to = after[key];
    if (to === undefined) continue;
    if (!sameValue(before[key], to)) changes[key] = { from: before[key], to };
  }
  return changes;
}
