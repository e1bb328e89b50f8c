import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { useRoundQuery } from '../../queries/rounds.ts';
import { useLiveRoom } from '../../live/live-room.ts';

/** What every page of a round needs: the round's settings (REST) and its live room (socket). */
export function useRoundPage(roundId: MaybeRefOrGetter<string>) {
  const { data: round, error } = useRoundQuery(roundId);
  const { room } = useLiveRoom(() => toValue(roundId));
  const buckets = computed(() => room.value?.buckets.value ?? []);
  const me = computed(() => room.value?.me.value ?? null);
  const status = computed(() => room.value?.status.value ?? 'idle');
  const currency = computed(() => round.value?.currency ?? room.value?.round.value?.currency ?? 'EUR');
  return { round, error, room, buckets, me, status, currency };
}
