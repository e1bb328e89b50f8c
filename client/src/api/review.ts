import { BucketDetail, CostingNote, RoundFlags, type RoundFlagsState } from '@cagnotte/shared';
import { path, request } from './http.ts';

/** The reviewers' decisions on a round's projects (reviewers and admins). */
export const reviewApi = {
  approve: (bucketId: string, reason?: string) =>
    request(BucketDetail, 'POST', path`/api/buckets/${bucketId}/approve`, { body: reason ? { reason } : {} }),
  reject: (bucketId: string, reason: string) => request(BucketDetail, 'POST', path`/api/buckets/${bucketId}/reject`, { body: { reason } }),
  requestChanges: (bucketId: string, reason: string) =>
    request(BucketDetail, 'POST', path`/api/buckets/${bucketId}/request-changes`, { body: { reason } }),
  addCostingNote: (bucketId: string, note: { body: string; estimateCents?: number }) =>
    request(CostingNote, 'POST', path`/api/buckets/${bucketId}/costing-notes`, { body: note }),
  /** Folds `bucketId` into `intoBucketId`, which survives. */
  merge: (bucketId: string, intoBucketId: string, reason: string) =>
    request(BucketDetail, 'POST', path`/api/buckets/${bucketId}/merge`, { body: { intoBucketId, reason } }),
  /** Every flagged project of the round in one read, each with the visibility its own list has. */
  roundFlags: (roundId: string, state: RoundFlagsState = 'open') => request(RoundFlags, 'GET', path`/api/rounds/${roundId}/flags`, { query: { state } }),
};
