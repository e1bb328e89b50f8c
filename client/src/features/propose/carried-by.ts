import type { BucketDetail } from '@cagnotte/shared';

/** Whether this membership carries the project: an accepted proposer (an invited one does not yet). */
export const carriedBy = (bucket: Pick<BucketDetail, 'proposers'>, membershipId: string | null): boolean =>
  bucket.proposers.some((p) => p.membershipId === membershipId && p.status === 'accepted');
