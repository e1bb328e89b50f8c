import { useQuery } from '@pinia/colada';
import { toValue, type MaybeRefOrGetter } from 'vue';
import { votesApi } from '../../api/votes.ts';

/**
 * A vote round's settings, under the key the ballot page reads too: one cache, refreshed with the
 * round. `enabled` false waits (the Members page until it knows its vote round).
 */
export function useVoteSettingsQuery(roundId: MaybeRefOrGetter<string>, enabled: MaybeRefOrGetter<boolean> = true) {
  return useQuery({ key: () => ['round', toValue(roundId), 'vote'], query: () => votesApi.settings(toValue(roundId)), enabled: () => toValue(enabled) });
}
