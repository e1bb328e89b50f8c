import { useQuery } from '@pinia/colada';
import { toValue, type MaybeRefOrGetter } from 'vue';
import { bucketsApi } from '../api/buckets.ts';
import { reviewApi } from '../api/review.ts';
import { keys } from './rounds.ts';

export const reviewKeys = {
  roundFlags: (roundId: string) => [...keys.round(roundId), 'flags', 'open'] as const,
};

/** Every project of a round the caller may see (drafts included for staff). */
export function useRoundBucketsQuery(roundId: MaybeRefOrGetter<string>) {
  return useQuery({ key: () => keys.roundBuckets(toValue(roundId)), query: () => bucketsApi.list(toValue(roundId)) });
}

export function useBucketQuery(bucketId: MaybeRefOrGetter<string>) {
  return useQuery({ key: () => keys.bucket(toValue(bucketId)), query: () => bucketsApi.get(toValue(bucketId)) });
}

/** The open flags of a round, project by project, in one read; staff see every flag. */
export function useRoundFlagsQuery(roundId: MaybeRefOrGetter<string>) {
  return useQuery({ key: () => reviewKeys.roundFlags(toValue(roundId)), query: () => reviewApi.roundFlags(toValue(roundId)) });
}
