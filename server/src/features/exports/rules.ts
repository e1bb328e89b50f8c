import { majorUnits, minorDigits, type ReconciliationSide } from '@cagnotte/shared';

// The characters a spreadsheet reads as the start of a formula, including the full-width forms
// Apple Numbers normalises (=, +, −, @).
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * Neutralises CSV injection in text people typed (titles, names, reasons): a cell that a
 * spreadsheet would run as a formula gets a leading `'`. Never for amounts: a negative amount is
 * a number we wrote ourselves.
 */
export function neutralise(text: string | null | undefined): string {
  if (!text) return '';
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * An amount for an XLSX cell, in major units. A number `cents / 10^digits` is a float, but the
 * cell holds its shortest decimal text (exceljs writes `String(number)`), and that text is the
 * exact amount as long as the float's spacing stays under one minor unit, true below 2^52
 * minor units (45 thousand billion euros). Above that we write the exact text instead.
 */
export function xlsxAmount(cents: number, currency: string, digits = minorDigits(currency)): number | string {
  if (Math.abs(cents) < 2 ** 52) return cents / 10 ** digits;
  return majorUnits(cents, currency, 'en');
}

/** A file name part from a round's title: "Budget 2026 — Été" → "budget-2026-ete"; the id if nothing is left. */
export function fileSlug(title: string, fallback: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || fallback;
}

export type SideTotals = Omit<ReconciliationSide, 'balanced'>;

export const sideOf = (totals: SideTotals): ReconciliationSide => ({
  ...totals,
  balanced:
    totals.inOtherBucketsCents === 0 &&
    totals.allowancesCents === totals.inFundedBucketsCents + totals.inPendingBucketsCents + totals.unspentCents,
});

