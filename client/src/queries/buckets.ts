import { useQuery } from '@pinia/colada';
import { toValue, type MaybeRefOrGetter } from 'vue';
import { bucketsApi } from '../api/buckets.ts';
import { discussionApi } from '../api/discussion.ts';
import { roundsApi } from '../api/rounds.ts';
import { keys } from './rounds.ts';

/** A project's own keys, all under `keys.bucket(id)` so one invalidation refreshes the page. */
export const bucketKeys = {
  detail: (bucketId: string) => keys.bucket(bucketId),
  revisions: (bucketId: string) => [...keys.bucket(bucketId), 'revisions'] as const,
  comments: (bucketId: string) => [...keys.bucket(bucketId), 'comments'] as const,
  flags: (bucketId: string) => [...keys.bucket(bucketId), 'flags'] as const,
  progress: (bucketId: string) => [...keys.bucket(bucketId), 'progress'] as const,
  criteria: (roundId: string) => [...keys.round(roundId), 'criteria'] as const,
};

type Id = MaybeRefOrGetter<string>;

/** The projects I carry or am invited to, across rounds. */
export const myBucketsKey = ['my-buckets'] as const;
export function useMyBucketsQuery() {
  return useQuery({ key: myBucketsKey, query: () => bucketsApi.mine() });
}

export function useBucketQuery(bucketId: Id) {
  return useQuery({ key: () => bucketKeys.detail(toValue(bucketId)), query: () => bucketsApi.get(toValue(bucketId)) });
}

export function useBucketRevisionsQuery(bucketId: Id) {
  return useQuery({ key: () => bucketKeys.revisions(toValue(bucketId)), query: () => bucketsApi.revisions(toValue(bucketId)) });
}

export function useCommentsQuery(bucketId: Id) {
  return useQuery({ key: () => bucketKeys.comments(toValue(bucketId)), query: () => discussionApi.comments(toValue(bucketId)) });
}

export function useFlagsQuery(bucketId: Id) {
  return useQuery({ key: () => bucketKeys.flags(toValue(bucketId)), query: () => discussionApi.flags(toValue(bucketId)) });
}

/** Only asked once there is something to tell (`enabled`: the project is funded or completed). */
export function useProgressQuery(bucketId: Id, enabled: MaybeRefOrGetter<boolean>) {
  return useQuery({ key: () => bucketKeys.progress(toValue(bucketId)), query: () => discussionApi.progress(toValue(bucketId)), enabled: () => toValue(enabled) });
}

/** The round's appraisal grid (its criteria, in order). */
export function useCriteriaQuery(roundId: MaybeRefOrGetter<string | null>) {
  return useQuery({
    key: () => bucketKeys.criteria(toValue(roundId) ?? ''),
    query: () => roundsApi.criteria(toValue(roundId) ?? ''),
    enabled: () => Boolean(toValue(roundId)),
  });
}
