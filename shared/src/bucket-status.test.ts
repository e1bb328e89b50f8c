import { describe, expect, it } from 'vitest';
import { BUCKET_STATUSES, FUNDED_STATUSES, IN_THE_RUNNING_STATUSES, isFundedStatus, isInTheRunningStatus } from './bucket-status.ts';

describe('bucket status groups', () => {
  it('counts funded and completed projects as funded, and nothing else', () => {
    expect(BUCKET_STATUSES.filter(isFundedStatus)).toEqual(['funded', 'completed']);
  });

  it('keeps drafts, proposals and projects taken out of the round out of the running', () => {
    expect(BUCKET_STATUSES.filter((s) => !isInTheRunningStatus(s))).toEqual(['draft', 'proposed', 'withdrawn', 'merged', 'rejected']);
    for (const status of FUNDED_STATUSES) expect(IN_THE_RUNNING_STATUSES).toContain(status);
  });
});
