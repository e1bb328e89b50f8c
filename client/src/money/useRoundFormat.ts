import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { useSessionStore } from '../stores/session.ts';
import { useDateTime, useMoney } from './useMoney.ts';

/**
 * Money in the round's currency and dates in its organisation's time zone, both in the reader's
 * language: what every page of a round shows.
 */
export function useRoundFormat(round: MaybeRefOrGetter<{ currency: string; organisationId: string } | null | undefined>) {
  const session = useSessionStore();
  const timeZone = computed(() => {
    const r = toValue(round);
    return r ? session.membershipIn(r.organisationId)?.organisation.timeZone : undefined;
  });
  const money = useMoney(() => toValue(round)?.currency ?? 'EUR');
  const when = useDateTime(timeZone);
  return { money, when, timeZone };
}
