import { useQuery } from '@pinia/colada';
import { toValue, type MaybeRefOrGetter } from 'vue';
import { bucketsApi } from '../api/buckets.ts';
import { reviewApi } from '../api/review.ts';
import { keys } from './rounds.ts';

/** Every project of a round the caller may see (drafts included for staff). */
export function useRoundBucketsQuery(roundId: MaybeRefOrGetter<string>) {
  return useQuery({ key: () => keys.roundBuckets(toValue(roundId)), query: () => bucketsApi.list(toValue(roundId)) });
}

export function useBucketQuery(bucketId: MaybeRefOrGetter<string>) {
  return useQuery({ key: () => keys.bucket(toValue(bucketId)), query: () => bucketsApi.get(toValue(bucketId)) });
}

/** A project's flags against the round's grid; staff see every flag. */
export function useBucketFlagsQuery(bucketId: MaybeRefOrGetter<string>) {
  return useQuery({ key: () => [...keys.bucket(toValue(bucketId)), 'flags'], query: () => reviewApi.flags(toValue(bucketId)) });
}
