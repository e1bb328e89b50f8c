import { describe, expect, it } from 'vitest';
import type { BucketStatus } from '@cagnotte/shared';
import {
  acceptsProposals,
  acceptsReview,
  canSeeDraft,
  checkTransition,
  diffFields,
  editRefusal,
  NOT_REACHABLE_FROM_HERE,
  partiesOf,
  proposeTarget,
  removalRefusal,
  TRANSITIONS,
  type BucketAction,
  type Party,
} from './rules.ts';

const STATUSES: BucketStatus[] = ['draft', 'proposed', 'open', 'funded', 'awaiting_board', 'not_funded', 'completed', 'withdrawn', 'merged', 'rejected'];

/** The table the issue describes, written out independently of rules.ts. */
const EXPECTED: Record<BucketAction, { from: BucketStatus[]; to: BucketStatus; by: Party[] }> = {
  propose: { from: ['draft'], to: 'proposed', by: ['proposer'] },
  withdraw: { from: ['draft', 'proposed', 'open'], to: 'withdrawn', by: ['proposer', 'admin'] },
  approve: { from: ['proposed'], to: 'open', by: ['reviewer', 'admin'] },
  reject: { from: ['proposed', 'open'], to: 'rejected', by: ['reviewer', 'admin'] },
  request_changes: { from: ['proposed'], to: 'draft', by: ['reviewer', 'admin'] },
  merge: { from: ['draft', 'proposed', 'open'], to: 'merged', by: ['reviewer', 'admin'] },
};
const ACTIONS = Object.keys(EXPECTED) as BucketAction[];
const PARTIES: Party[] = ['proposer', 'reviewer', 'admin'];

describe('status transitions', () => {
  const cases = ACTIONS.flatMap((action) => STATUSES.map((status) => ({ action, status, allowed: EXPECTED[action].from.includes(status) })));

  it.each(cases.filter((c) => c.allowed))('allows $action from $status', ({ action, status }) => {
    expect(checkTransition(action, status, EXPECTED[action].by)).toBeNull();
    expect(TRANSITIONS[action].to).toBe(EXPECTED[action].to);
  });

  it.each(cases.filter((c) => !c.allowed))('refuses $action from $status', ({ action, status }) => {
    expect(checkTransition(action, status, PARTIES)).toEqual({ kind: 'wrong_status', allowedFrom: EXPECTED[action].from });
  });

  const permissions = ACTIONS.flatMap((action) => PARTIES.map((party) => ({ action, party, allowed: EXPECTED[action].by.includes(party) })));

  it.each(permissions.filter((p) => p.allowed))('lets a $party $action', ({ action, party }) => {
    expect(checkTransition(action, EXPECTED[action].from[0] as BucketStatus, [party])).toBeNull();
  });

  it.each(permissions.filter((p) => !p.allowed))('does not let a $party $action', ({ action, party }) => {
    expect(checkTransition(action, EXPECTED[action].from[0] as BucketStatus, [party])).toMatchObject({ kind: 'forbidden' });
  });

  it.each(ACTIONS)('refuses a plain member who is not a proposer to %s', (action) => {
    expect(checkTransition(action, EXPECTED[action].from[0] as BucketStatus, [])).toMatchObject({ kind: 'forbidden' });
  });

  it('checks the permission before the status', () => {
    expect(checkTransition('approve', 'funded', ['proposer'])).toMatchObject({ kind: 'forbidden' });
  });

  it.each(NOT_REACHABLE_FROM_HERE)('never moves into or out of %s, which the closing feature sets', (status) => {
    for (const action of ACTIONS) {
      expect(TRANSITIONS[action].to).not.toBe(status);
      expect(TRANSITIONS[action].from).not.toContain(status);
    }
  });

  it('covers exactly the actions of the issue', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ACTIONS].sort());
  });
});

describe('who acts', () => {
  it('makes an accepted proposer a proposer whatever their role', () => {
    expect(partiesOf('member', true)).toEqual(['proposer']);
    expect(partiesOf('accountant', true)).toEqual(['proposer']);
  });
  it('gives reviewers and admins their role, and a proposing admin both', () => {
    expect(partiesOf('reviewer', false)).toEqual(['reviewer']);
    expect(partiesOf('admin', true)).toEqual(['proposer', 'admin']);
  });
  it('gives a member who is not a proposer nothing', () => {
    expect(partiesOf('member', false)).toEqual([]);
  });
});

describe('rounds and proposals', () => {
  it('takes proposals in the proposal phase of any round', () => {
    expect(acceptsProposals({ kind: 'one_off', phase: 'proposals' })).toBe(true);
    expect(acceptsProposals({ kind: 'permanent', phase: 'proposals' })).toBe(true);
  });
  it('takes proposals while funding only in a permanent round', () => {
    expect(acceptsProposals({ kind: 'permanent', phase: 'funding' })).toBe(true);
    expect(acceptsProposals({ kind: 'one_off', phase: 'funding' })).toBe(false);
  });
  it('takes no proposals in a draft or closed round', () => {
    expect(acceptsProposals({ kind: 'one_off', phase: 'draft' })).toBe(false);
    expect(acceptsProposals({ kind: 'one_off', phase: 'closed' })).toBe(false);
  });
  it('lets reviewers act from proposals until the close', () => {
    expect(acceptsReview({ phase: 'proposals' })).toBe(true);
    expect(acceptsReview({ phase: 'funding' })).toBe(true);
    expect(acceptsReview({ phase: 'closed' })).toBe(false);
    expect(acceptsReview({ phase: 'draft' })).toBe(false);
  });
  it('opens a proposal at once only when funding is on and no approval is needed', () => {
    expect(proposeTarget({ phase: 'funding', approvalRequired: false })).toBe('open');
    expect(proposeTarget({ phase: 'funding', approvalRequired: true })).toBe('proposed');
    expect(proposeTarget({ phase: 'proposals', approvalRequired: false })).toBe('proposed');
    expect(proposeTarget({ phase: 'proposals', approvalRequired: true })).toBe('proposed');
  });
});

describe('editing', () => {
  it.each(['draft', 'proposed'] as const)('lets the text and the budget of a %s bucket change', (status) => {
    expect(editRefusal(status, true)).toBeNull();
    expect(editRefusal(status, false)).toBeNull();
  });
  it('freezes the budget of an open bucket but not its text', () => {
    expect(editRefusal('open', true)).toBe('budget_frozen');
    expect(editRefusal('open', false)).toBeNull();
  });
  it.each(STATUSES.filter((s) => !['draft', 'proposed', 'open'].includes(s)))('refuses any edit of a %s bucket', (status) => {
    expect(editRefusal(status, false)).toBe('bucket_not_editable');
    expect(editRefusal(status, true)).toBe('bucket_not_editable');
  });
  it('records only the fields that change, ignoring key order in budget lines', () => {
    const before = { title: 'A', tags: ['x'], budgetLines: [{ amountCents: 5, label: 'L', essential: true }], imageUrl: null as string | null };
    const changes = diffFields(before, { title: 'A', tags: ['x', 'y'], budgetLines: [{ label: 'L', amountCents: 5, essential: true }], imageUrl: undefined });
    expect(changes).toEqual({ tags: { from: ['x'], to: ['x', 'y'] } });
  });
  it('records removing an image as a change to null', () => {
    expect(diffFields({ imageUrl: 'https://x.test/a.png' as string | null }, { imageUrl: null })).toEqual({ imageUrl: { from: 'https://x.test/a.png', to: null } });
  });
});

describe('seeing drafts', () => {
  it('shows a draft to its invited and accepted proposers, reviewers and admins', () => {
    expect(canSeeDraft('member', 'accepted')).toBe(true);
    expect(canSeeDraft('member', 'invited')).toBe(true);
    expect(canSeeDraft('reviewer', null)).toBe(true);
    expect(canSeeDraft('admin', null)).toBe(true);
  });
  it('hides a draft from other members, and from someone who declined', () => {
    expect(canSeeDraft('member', null)).toBe(false);
    expect(canSeeDraft('accountant', null)).toBe(false);
    expect(canSeeDraft('member', 'declined')).toBe(false);
  });
});

describe('leaving and removing proposers', () => {
  it('lets an accepted proposer leave while another stays', () => {
    expect(removalRefusal({ self: true, actorStatus: 'accepted', targetStatus: 'accepted', acceptedCount: 2 })).toBeNull();
  });
  it('keeps the last accepted proposer', () => {
    expect(removalRefusal({ self: true, actorStatus: 'accepted', targetStatus: 'accepted', acceptedCount: 1 })).toBe('last_proposer');
  });
  it('lets an invitee take themselves off the list', () => {
    expect(removalRefusal({ self: true, actorStatus: 'invited', targetStatus: 'invited', acceptedCount: 1 })).toBeNull();
  });
  it('lets an accepted proposer withdraw an invitation', () => {
    expect(removalRefusal({ self: false, actorStatus: 'accepted', targetStatus: 'invited', acceptedCount: 1 })).toBeNull();
    expect(removalRefusal({ self: false, actorStatus: 'accepted', targetStatus: 'declined', acceptedCount: 1 })).toBeNull();
  });
  it('does not let anyone remove an accepted co-proposer but themselves', () => {
    expect(removalRefusal({ self: false, actorStatus: 'accepted', targetStatus: 'accepted', acceptedCount: 3 })).toBe('only_they_can_leave');
  });
  it('does not let an invitee or a stranger remove anyone', () => {
    expect(removalRefusal({ self: false, actorStatus: 'invited', targetStatus: 'invited', acceptedCount: 1 })).toBe('not_a_proposer');
    expect(removalRefusal({ self: false, actorStatus: null, targetStatus: 'invited', acceptedCount: 1 })).toBe('not_a_proposer');
  });
});
