import { AllocationResult, BucketDetail, BucketList, BucketRevisionList } from '@cagnotte/shared';
import { path, request, requestNothing } from './http.ts';

export const bucketsApi = {
  list: (roundId: string) => request(BucketList, 'GET', path`/api/rounds/${roundId}/buckets`),
  get: (bucketId: string) => request(BucketDetail, 'GET', path`/api/buckets/${bucketId}`),
  revisions: (bucketId: string) => request(BucketRevisionList, 'GET', path`/api/buckets/${bucketId}/revisions`),
  /** My invitation to carry the project (the co-proposer e-mail links to its page). */
  acceptInvitation: (bucketId: string) => request(BucketDetail, 'POST', path`/api/buckets/${bucketId}/proposers/accept`),
  declineInvitation: (bucketId: string) => requestNothing('POST', path`/api/buckets/${bucketId}/proposers/decline`),
  /**
   * Sets my allocation to an absolute amount. The key makes a retry of the same intended change
   * (after a lost reply) count once: pass the same key for every retry.
   */
  allocate: (bucketId: string, amountCents: number, idempotencyKey: string) =>
    request(AllocationResult, 'PUT', path`/api/buckets/${bucketId}/allocation`, { body: { amountCents }, headers: { 'idempotency-key': idempotencyKey } }),
};
