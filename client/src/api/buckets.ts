import { AllocationResult, BucketDetail, BucketList, BucketRevisionList, MyBucketList, SettledBucket, type BucketEdit, type EndFunding, type NewBucket } from '@cagnotte/shared';
import { path, request, requestNothing } from './http.ts';

export const bucketsApi = {
  list: (roundId: string) => request(BucketList, 'GET', path`/api/rounds/${roundId}/buckets`),
  get: (bucketId: string) => request(BucketDetail, 'GET', path`/api/buckets/${bucketId}`),
  revisions: (bucketId: string) => request(BucketRevisionList, 'GET', path`/api/buckets/${bucketId}/revisions`),
  /** The projects I carry or am invited to carry, across my organisations' rounds. */
  mine: () => request(MyBucketList, 'GET', '/api/me/buckets'),
  /** A new project starts as a draft carried by me. */
  create: (roundId: string, bucket: NewBucket) => request(BucketDetail, 'POST', path`/api/rounds/${roundId}/buckets`, { body: bucket }),
  /** Carries the revision the edit started from: a stale one is a 409 `version_conflict`. */
  edit: (bucketId: string, edit: BucketEdit) => request(BucketDetail, 'PATCH', path`/api/buckets/${bucketId}`, { body: edit }),
  propose: (bucketId: string) => request(BucketDetail, 'POST', path`/api/buckets/${bucketId}/propose`),
  withdraw: (bucketId: string, reason: string) => request(BucketDetail, 'POST', path`/api/buckets/${bucketId}/withdraw`, { body: { reason } }),
  invite: (bucketId: string, email: string) => request(BucketDetail, 'POST', path`/api/buckets/${bucketId}/proposers`, { body: { email } }),
  removeProposer: (bucketId: string, membershipId: string) => requestNothing('DELETE', path`/api/buckets/${bucketId}/proposers/${membershipId}`),
  /** My invitation to carry the project (the co-proposer e-mail links to its page). */
  acceptInvitation: (bucketId: string) => request(BucketDetail, 'POST', path`/api/buckets/${bucketId}/proposers/accept`),
  declineInvitation: (bucketId: string) => requestNothing('POST', path`/api/buckets/${bucketId}/proposers/decline`),
  /**
   * Sets my allocation to an absolute amount. The key makes a retry of the same intended change
   * (after a lost reply) count once: pass the same key for every retry.
   */
  allocate: (bucketId: string, amountCents: number, idempotencyKey: string) =>
    request(AllocationResult, 'PUT', path`/api/buckets/${bucketId}/allocation`, { body: { amountCents }, headers: { 'idempotency-key': idempotencyKey } }),
  /** In a permanent round, a project that reached its minimum is funded with what it holds (its proposers or an admin). */
  endFunding: (bucketId: string, body: EndFunding) => request(SettledBucket, 'POST', path`/api/buckets/${bucketId}/end-funding`, { body }),
};
