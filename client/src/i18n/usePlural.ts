import { useI18n } from 'vue-i18n';

type Translator = { t(key: string, named: Record<string, unknown>, plural: number): string; n(value: number): string };

/**
 * A plural message about `count` things, its `{n}` grouped the reader's way ("90 000 voters",
 * "90,000 voters"): vue-i18n's own `{n}` would be the raw number.
 */
export function pluralOf(i18n: Translator, key: string, count: number) {
  return i18n.t(key, { n: i18n.n(count) }, count);
}

export function usePlural() {
  const i18n = useI18n();
  return (key: string, count: number) => pluralOf(i18n, key, count);
}
