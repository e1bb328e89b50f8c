import type { Locale, Reconciliation } from '@cagnotte/shared';
import { LABELS } from './labels.ts';
import type { Cell } from './tables.ts';

/** What every file of one export needs: the round, and the organisation's language and time zone. */
export type ExportContext = {
  round: { id: string; title: string; currency: string };
  /** The currency's minor digits, looked up once: Intl is slow at a million rows. */
  digits: number;
  locale: Locale;
  timeZone: string;
  /** CSV: the locale's date-time text, in the organisation's time zone (see `zonedText`). */
  formatDate: (date: Date) => string;
  /** XLSX: the organisation's wall clock at that instant, for a date cell (which has no zone). */
  wallClock: (date: Date) => Date;
  /** XLSX: the number format of date cells, in the locale's order. */
  dateFormat: string;
};

/** What spreadsheets show for date cells, in the order the locale writes dates. */
export const DATE_FORMATS: Record<Locale, string> = { fr: 'dd/mm/yyyy hh:mm:ss', en: 'yyyy-mm-dd hh:mm:ss' };

const label = (value: string): Cell => ({ kind: 'code', value });
const amount = (value: number): Cell => ({ kind: 'amount', value });
const flag = (value: boolean): Cell => ({ kind: 'flag', value });
const empty: Cell = { kind: 'text', value: null };

/**
 * Invariant 6 as rows, each figure from the stored totals and from the ledger side by side;
 * then when, and the time zone every date of the file is written in.
 */
export function reconciliationRows(r: Reconciliation, locale: Locale, timeZone: string): Cell[][] {
  const L = (key: keyof typeof LABELS) => label(LABELS[key][locale]);
  const { stored: s, ledger: l } = r;
  return [
    [L('reconciliation'), L('storedTotals'), L('fromLedger')],
    [L('allowances'), amount(s.allowancesCents), amount(l.allowancesCents)],
    [L('inFunded'), amount(s.inFundedBucketsCents), amount(l.inFundedBucketsCents)],
    [L('inPending'), amount(s.inPendingBucketsCents), amount(l.inPendingBucketsCents)],
    [L('unspent'), amount(s.unspentCents), amount(l.unspentCents)],
    [L('inOther'), amount(s.inOtherBucketsCents), amount(l.inOtherBucketsCents)],
    [L('balanced'), flag(s.balanced), flag(l.balanced)],
    [L('returned'), empty, amount(r.returnedCents)],
    [L('ledgerRows'), empty, { kind: 'count', value: r.ledgerRows }],
    [L('asOf'), { kind: 'date', value: new Date(r.asOf) }],
    [L('timeZone'), label(timeZone)],
    [L('reconciled'), flag(r.reconciled)],
  ];
}
