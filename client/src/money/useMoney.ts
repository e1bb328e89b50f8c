import { toValue, type MaybeRefOrGetter } from 'vue';
import { useI18n } from 'vue-i18n';
import { formatMoney } from '@cagnotte/shared';

/** Formats cents in the round's currency and the reader's language: `money(1250)` → "12,50 €". */
export function useMoney(currency: MaybeRefOrGetter<string>) {
  const { locale } = useI18n();
  return (cents: number) => formatMoney(cents, toValue(currency), locale.value);
}

/** Dates and times in the reader's language and the organisation's time zone. */
export function useDateTime(timeZone: MaybeRefOrGetter<string | undefined>) {
  const { locale } = useI18n();
  return (iso: string, style: 'date' | 'dateTime' = 'dateTime') =>
    new Intl.DateTimeFormat(locale.value, {
      dateStyle: 'medium',
      ...(style === 'dateTime' ? { timeStyle: 'short' } : {}),
      timeZone: toValue(timeZone),
    }).format(new Date(iso));
}
