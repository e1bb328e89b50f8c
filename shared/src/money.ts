import { z } from 'zod';

/** An amount in the currency's minor unit (cents). Integers only, never floats. */
export const Cents = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export type Cents = z.infer<typeof Cents>;

/** A signed amount in minor units (ledger deltas, grant corrections). */
export const SignedCents = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');

const digitsByCurrency = new Map<string, number>();

/** How many minor units a currency's major unit has (EUR 2, JPY 0, TND 3). */
export function minorDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    // Building an Intl.NumberFormat costs microseconds; exports ask this for every amount.
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Formats for people: `formatMoney(1250, 'EUR', 'fr')` → "12,50 €". */
export function formatMoney(cents: number, currency: string, locale: string): string {
  const digits = minorDigits(currency);
  // One formatter per language and currency: building one costs far more than using it, and a
  // round page of 1,000 projects formats thousands of amounts (bench/RESULTS.md, round page).
  const key = `${locale}|${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits });
    moneyFormats.set(key, format);
  }
  return format.format(cents / 10 ** digits);
}

/**
 * Major units as exact text for spreadsheets, with the locale's decimal separator and no
 * grouping: `majorUnits(-123456, 'EUR', 'fr')` → "-1234,56". Built from integers, never floats.
 */
export function majorUnits(cents: number, currency: string, locale: string): string {
  const digits = minorDigits(currency);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  if (digits === 0) return `${sign}${abs}`;
  const unit = 10 ** digits;
  const whole = Math.floor(abs / unit);
  const fraction = String(abs % unit).padStart(digits, '0');
  const separator = locale.startsWith('en') ? '.' : ',';
  return `${sign}${whole}${separator}${fraction}`;
}
