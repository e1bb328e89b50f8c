import { useQuery } from '@pinia/colada';
import { toValue, type MaybeRefOrGetter } from 'vue';
import { organisationsApi } from '../api/organisations.ts';
import { roundsApi } from '../api/rounds.ts';

/**
 * Server state is read through these composables (cached by Pinia Colada, keyed below), never
 * with ad-hoc calls in components. Keys start with the kind of thing, then its id.
 */
export const keys = {
  organisation: (orgId: string) => ['organisation', orgId] as const,
  organisationRounds: (orgId: string) => ['organisation', orgId, 'rounds'] as const,
  round: (roundId: string) => ['round', roundId] as const,
  myRound: (roundId: string) => ['round', roundId, 'me'] as const,
  roundBuckets: (roundId: string) => ['round', roundId, 'buckets'] as const,
  bucket: (bucketId: string) => ['bucket', bucketId] as const,
};

export function useOrganisationQuery(orgId: MaybeRefOrGetter<string>) {
  return useQuery({ key: () => keys.organisation(toValue(orgId)), query: () => organisationsApi.get(toValue(orgId)) });
}

export function useOrganisationRoundsQuery(orgId: MaybeRefOrGetter<string>) {
  return useQuery({ key: () => keys.organisationRounds(toValue(orgId)), query: () => organisationsApi.rounds(toValue(orgId)) });
}

export function useRoundQuery(roundId: MaybeRefOrGetter<string>) {
  return useQuery({ key: () => keys.round(toValue(roundId)), query: () => roundsApi.get(toValue(roundId)) });
}

/** My balance in a round; `enabled` false skips it (a round not in funding has none yet). */
export function useMyRoundQuery(roundId: MaybeRefOrGetter<string>, enabled: MaybeRefOrGetter<boolean> = true) {
  return useQuery({ key: () => keys.myRound(toValue(roundId)), query: () => roundsApi.mine(toValue(roundId)), enabled: () => toValue(enabled) });
}
