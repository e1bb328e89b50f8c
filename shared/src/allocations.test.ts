import { describe, expect, it } from 'vitest';
import { ALLOCATION_REFUSAL_CODES, AllocationRefusal, BUCKET_STATUSES, FUNDED_STATUSES, IN_THE_RUNNING_STATUSES, isFundedStatus, isInTheRunningStatus } from './allocations.ts';
import { LiveCloseCode, LiveCloseReason, liveEndOf } from './live.ts';

describe('bucket status groups', () => {
  it('counts funded and completed projects as funded, and nothing else', () => {
    expect(BUCKET_STATUSES.filter(isFundedStatus)).toEqual(['funded', 'completed']);
  });

  it('keeps drafts, proposals and projects taken out of the round out of the running', () => {
    expect(BUCKET_STATUSES.filter((s) => !isInTheRunningStatus(s))).toEqual(['draft', 'proposed', 'withdrawn', 'merged', 'rejected']);
    for (const status of FUNDED_STATUSES) expect(IN_THE_RUNNING_STATUSES).toContain(status);
  });
});

describe('allocation refusals', () => {
  it('reads a refusal with its figures', () => {
    const refusal = AllocationRefusal.parse({
      type: '/problems/insufficient-allowance', title: 'Conflict', status: 409, code: 'insufficient_allowance',
      remainingCents: 3_750, neededCents: 5_000, maxAmountCents: 3_750,
    });
    expect(refusal.code === 'insufficient_allowance' && refusal.maxAmountCents).toBe(3_750);
  });

  it('refuses a refusal that lacks the figures its code promises', () => {
    expect(AllocationRefusal.safeParse({ type: '/problems/bucket-full', title: 'Conflict', status: 409, code: 'bucket_full' }).success).toBe(false);
  });

  it('lists every code', () => {
    expect(ALLOCATION_REFUSAL_CODES).toContain('bucket_full');
    expect(new Set(ALLOCATION_REFUSAL_CODES).size).toBe(8);
  });
});

describe('live close reasons', () => {
  it('tells a revoked projector link from another ended session, and a reconnectable close from both', () => {
    expect(liveEndOf({ code: LiveCloseCode.sessionEnded, reason: LiveCloseReason.projectorLinkRevoked })).toBe('link_revoked');
    expect(liveEndOf({ code: LiveCloseCode.sessionEnded, reason: LiveCloseReason.sessionEnded })).toBe('session_ended');
    expect(liveEndOf({ code: LiveCloseCode.tooSlow, reason: LiveCloseReason.tooSlow })).toBeNull();
  });
});
