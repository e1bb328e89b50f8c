import { minorDigits } from '@cagnotte/shared';

/**
 * What a person typed in an amount field, in minor units (cents), or null when it is not an
 * amount. Read with the locale's habits: in French "1 234,5" and "12.50" (a lone point is
 * decimal too, as phones offer it); in English "1,234.50". Currency signs and spaces are
 * ignored. Built from digits, never through a float, so "0.29" is 29 cents exactly.
 */
export function parseMoney(text: string, locale: string, currency: string): number | null {
  const digits = minorDigits(currency);
  let value = text.replace(/[\s\u00a0\u202f]/g, '').replace(/[^\d.,-]/g, '');
  if (value === '' || value.includes('-')) return null;
  const english = locale.startsWith('en');
  if (english) {
    // Commas group thousands ("1,234.50"); the point is the decimal separator.
    if (!/^\d{1,3}(,\d{3})*(\.\d*)?$|^\d*(\.\d*)?$/.test(value)) return null;
    value = value.replace(/,/g, '');
  } else {
    // A point groups thousands only in "1.234,50"; alone it is decimal.
    if (value.includes(',') && value.includes('.')) {
      if (!/^\d{1,3}(\.\d{3})*,\d*$/.test(value)) return null;
      value = value.replace(/\./g, '');
    }
    value = value.replace(',', '.');
  }
  const match = /^(\d*)(?:\.(\d*))?$/.exec(value);
  if (!match) return null;
  const whole = match[1] ?? '';
  const fraction = match[2] ?? '';
  if (whole === '' && fraction === '') return null;
  if (fraction.length > digits) return null;
  const cents = Number(whole || '0') * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(cents) ? cents : null;
}

/** The amount as a person would type it back in the field: "12,50" (fr), "12.50" (en), no grouping. */
export function moneyInputText(cents: number, locale: string, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(cents);
  const unit = 10 ** digits;
  const fraction = String(cents % unit).padStart(digits, '0');
  return `${Math.floor(cents / unit)}${locale.startsWith('en') ? '.' : ','}${fraction}`;
}
