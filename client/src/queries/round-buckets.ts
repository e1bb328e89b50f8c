import { useQuery } from '@pinia/colada';
import { toValue, type MaybeRefOrGetter } from 'vue';
import { bucketsApi } from '../api/buckets.ts';
import { keys } from './rounds.ts';

/** The projects of a round (static facts: summary, dates); their funding comes from the live room. */
export function useRoundBucketsQuery(roundId: MaybeRefOrGetter<string>) {
  return useQuery({ key: () => keys.roundBuckets(toValue(roundId)), query: () => bucketsApi.list(toValue(roundId)) });
}
