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
  /** ISO 8601 in the organisation's time zone, with its offset at that instant. */
  formatDate: (date: Date) => string;
};

const label = (value: string): Cell => ({ kind: 'code', value });
const amount = (value: number): Cell => ({ kind: 'amount', value });
const flag = (value: boolean): Cell => ({ kind: 'flag', value });
const empty: Cell = { kind: 'text', value: null };

/** Invariant 6 as rows, each figure from the stored totals and from the ledger side by side. */
export function reconciliationRows(r: Reconciliation, locale: Locale): Cell[][] {
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
    [L('reconciled'), flag(r.reconciled)],
  ];
}
