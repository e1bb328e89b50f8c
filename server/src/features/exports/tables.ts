import type { Locale } from '@cagnotte/shared';
import { KIND_LABELS, LABELS, reasonLabel, ROLE_LABELS, STATUS_LABELS, type Label } from './labels.ts';
import { BUCKETS_SQL, LEDGER_SQL, MEMBERS_SQL, type BucketRow, type LedgerRow, type MemberRow } from './queries.ts';

/**
 * What a cell holds, so each format writes it its own way: `text` is what people typed (CSV
 * neutralises it), `amount` is cents (major units in the files), `code` a value of ours (ids,
 * and our values in the organisation's language), `flag` yes or no (null: does not apply).
 */
export type Cell =
  | { kind: 'text'; value: string | null }
  | { kind: 'code'; value: string }
  | { kind: 'amount'; value: number }
  | { kind: 'count'; value: number }
  | { kind: 'date'; value: Date | null }
  | { kind: 'flag'; value: boolean | null };

/** A totals row: a label in the first column, then the summed cells by column index. */
export type TotalsRow = { label: string; cells: Map<number, Cell> };

export type Table<Row> = {
  name: 'buckets' | 'members' | 'ledger';
  sheet: string;
  sql: string;
  headers: Label[];
  cells: (row: Row, locale: Locale) => Cell[];
  /** Accumulates the totals while rows stream past. */
  totals: () => { add: (row: Row) => void; rows: (locale: Locale) => TotalsRow[] };
};

const text = (value: string | null): Cell => ({ kind: 'text', value });
const code = (value: string): Cell => ({ kind: 'code', value });
const amount = (value: number): Cell => ({ kind: 'amount', value });
const count = (value: number): Cell => ({ kind: 'count', value });
const date = (value: Date | null): Cell => ({ kind: 'date', value });
const flag = (value: boolean | null): Cell => ({ kind: 'flag', value });
const label = (l: Label, locale: Locale): Cell => code(l[locale]);

/** Sums of some columns, by index; integers all the way (cents never pass through a float here). */
function sums<Row>(columns: Record<number, (row: Row) => number>) {
  return () => {
    const totals = new Map<number, number>(Object.keys(columns).map((i) => [Number(i), 0]));
    return {
      add: (row: Row) => {
        for (const [i, get] of Object.entries(columns)) totals.set(Number(i), (totals.get(Number(i)) ?? 0) + get(row));
      },
      rows: (locale: Locale): TotalsRow[] => [
        { label: LABELS.total[locale], cells: new Map([...totals].map(([i, v]) => [i, amount(v)])) },
      ],
    };
  };
}

export const bucketsTable: Table<BucketRow> = {
  name: 'buckets',
  sheet: 'Buckets',
  sql: BUCKETS_SQL,
  headers: [
    { en: 'Project id', fr: 'Id du projet' },
    { en: 'Project', fr: 'Projet' },
    { en: 'Status', fr: 'Statut' },
    { en: 'Funded', fr: 'Financé' },
    { en: 'Minimum', fr: 'Minimum' },
    { en: 'Maximum', fr: 'Maximum' },
    { en: 'Contributors', fr: 'Contributeurs' },
    { en: 'Proposers', fr: 'Porteurs' },
    { en: 'Created', fr: 'Créé le' },
    { en: 'Funding ended', fr: 'Fin du financement' },
  ],
  cells: (b, locale) => [
    code(b.id),
    text(b.title),
    label(STATUS_LABELS[b.status], locale),
    amount(b.funded_cents),
    amount(b.min_cents),
    amount(b.max_cents),
    count(b.contributors),
    text(b.proposers),
    date(b.created_at),
    date(b.funding_ended_at),
  ],
  totals: sums<BucketRow>({ 3: (b) => b.funded_cents, 4: (b) => b.min_cents, 5: (b) => b.max_cents }),
};

export const membersTable: Table<MemberRow> = {
  name: 'members',
  sheet: 'Members',
  sql: MEMBERS_SQL,
  headers: [
    { en: 'Member id', fr: 'Id du membre' },
    { en: 'Member number', fr: 'N° de membre' },
    { en: 'Name', fr: 'Nom' },
    { en: 'E-mail', fr: 'E-mail' },
    { en: 'Role', fr: 'Rôle' },
    { en: 'Allowance', fr: 'Enveloppe' },
    { en: 'Allocated', fr: 'Affecté' },
    { en: 'Returned', fr: 'Restitué' },
    { en: 'Unspent', fr: 'Non dépensé' },
  ],
  cells: (m, locale) => [
    code(m.membership_id),
    text(m.member_number),
    text(m.name),
    text(m.email),
    label(ROLE_LABELS[m.role], locale),
    amount(m.allowance_cents),
    amount(m.allocated_cents),
    amount(m.returned_cents),
    amount(m.remaining_cents),
  ],
  totals: sums<MemberRow>({
    5: (m) => m.allowance_cents,
    6: (m) => m.allocated_cents,
    7: (m) => m.returned_cents,
    8: (m) => m.remaining_cents,
  }),
};

const KINDS = ['grant', 'allocate', 'return'] as const;

export const ledgerTable: Table<LedgerRow> = {
  name: 'ledger',
  sheet: 'Ledger',
  sql: LEDGER_SQL,
  headers: [
    { en: 'Id', fr: 'N°' },
    { en: 'Date', fr: 'Date' },
    { en: 'Kind', fr: 'Type' },
    { en: 'Member id', fr: 'Id du membre' },
    { en: 'Member number', fr: 'N° de membre' },
    { en: 'Member', fr: 'Membre' },
    { en: 'Project id', fr: 'Id du projet' },
    { en: 'Project', fr: 'Projet' },
    { en: 'Amount', fr: 'Montant' },
    { en: 'Entered by', fr: 'Saisi par' },
    { en: 'On the member’s behalf', fr: 'Pour le compte du membre' },
    { en: 'Reason', fr: 'Motif' },
    { en: 'Idempotency key', fr: 'Clé d’idempotence' },
  ],
  cells: (l, locale) => {
    const reason = reasonLabel(l.reason, locale);
    return [
      count(l.id),
      date(l.created_at),
      label(KIND_LABELS[l.kind], locale),
      code(l.membership_id),
      text(l.member_number),
      text(l.member_name),
      l.bucket_id === null ? text(null) : code(l.bucket_id),
      text(l.bucket_title),
      amount(l.delta_cents),
      l.entered_by_name === null ? code(LABELS.automatic[locale]) : text(l.entered_by_name),
      flag(l.on_behalf),
      reason.system ? code(reason.text ?? '') : text(reason.text),
      text(l.idempotency_key),
    ];
  },
  // The sum of all deltas mixes allowances with their spending: one total per kind instead.
  totals: () => {
    const totals = new Map<string, number>(KINDS.map((k) => [k, 0]));
    return {
      add: (l: LedgerRow) => {
        totals.set(l.kind, (totals.get(l.kind) ?? 0) + l.delta_cents);
      },
      rows: (locale: Locale) =>
        KINDS.map((kind) => ({
          label: `${LABELS.total[locale]} ${KIND_LABELS[kind][locale].toLowerCase()}`,
          cells: new Map<number, Cell>([[2, label(KIND_LABELS[kind], locale)], [8, amount(totals.get(kind) ?? 0)]]),
        })),
    };
  },
};
