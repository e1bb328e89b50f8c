import { majorUnits } from '@cagnotte/shared';
import { csvField } from './csv-text.ts';
import type { ExportContext } from './context.ts';
import { KIND_LABELS, LABELS, reasonLabel, yesNo } from './labels.ts';
import { neutralise } from './rules.ts';
import type { Snapshot } from './snapshot.ts';
import { zonedSecondsText } from './zoned-time.ts';

/**
 * The records of ledger.csv, written straight from the ledger's own columns: the same cells as
 * `ledgerTable` (tables.ts, which the workbook's sheet uses), byte for byte (`ledger-csv.test.ts`
 * holds the two side by side), at a fraction of the cost per row. A ledger row repeats a few
 * members and projects a million times: their fields are made once, as CSV text, from lookups
 * read in the same snapshot, instead of joined by the database and formatted again on every
 * row; rows come as arrays; the instant comes as whole seconds, so no Date is made.
 */
const LEDGER_ROWS_SQL = `
  SELECT l.id, floor(extract(epoch FROM l.created_at))::int8, l.kind, l.participant_id, l.bucket_id, l.delta_cents,
    l.entered_by, l.reason, l.idempotency_key
  FROM ledger l
  WHERE l.round_id = $1
  ORDER BY l.id`;

type LedgerValues = [number, number, 'grant' | 'allocate' | 'return', string, string | null, number, string | null, string | null, string | null];

/** A text people typed, as its CSV field. */
const typed = (value: string | null) => csvField(neutralise(value));

/**
 * What some ids stand for, read in the export's snapshot: those the round names, before its
 * cursor opens (`preload`); then any other a batch names (`load`), which foreign keys allow but
 * the app never writes (staff of another organisation) — a query while the next FETCH is out.
 */
function lookup<Row extends { id: string }, T>(snapshot: Snapshot, select: string, preload: string, make: (row: Row) => T) {
  const known = new Map<string, T>();
  const keep = (rows: Row[]) => {
    for (const row of rows) known.set(row.id, make(row));
  };
  return {
    preload: async (roundId: string) => keep(await snapshot.query<Row>(`${select} WHERE ${preload}`, [roundId])),
    async load(ids: Iterable<string | null>): Promise<void> {
      const missing = new Set<string>();
      for (const id of ids) if (id !== null && !known.has(id)) missing.add(id);
      if (missing.size > 0) keep(await snapshot.query<Row>(`${select} WHERE x.id = ANY($1::uuid[])`, [[...missing]]));
    },
    get: (id: string) => known.get(id),
  };
}

/** At most this many distinct reasons are kept as text: staff may type a new one on every row. */
const REASONS_KEPT = 10_000;

export function ledgerCsv(snapshot: Snapshot, ctx: ExportContext) {
  const { locale } = ctx;
  const amount = (cents: number) => majorUnits(cents, ctx.round.currency, locale);
  const date = zonedSecondsText(ctx.timeZone, locale);
  const kinds = { grant: csvField(KIND_LABELS.grant[locale]), allocate: csvField(KIND_LABELS.allocate[locale]), return: csvField(KIND_LABELS.return[locale]) };
  const automatic = csvField(LABELS.automatic[locale]);
  const onBehalf = { yes: csvField(yesNo(true, locale)), no: csvField(yesNo(false, locale)) };

  // The member's three fields (id, number, name), and the membership, to tell "on their behalf".
  const members = lookup(
    snapshot,
    'SELECT x.id, m.id AS membership_id, m.member_number, m.name FROM participants x JOIN memberships m ON m.id = x.membership_id',
    'x.round_id = $1',
    (m: { id: string; membership_id: string; member_number: string | null; name: string }) => ({
      membershipId: m.membership_id,
      fields: `${csvField(m.membership_id)};${typed(m.member_number)};${typed(m.name)}`,
    }),
  );
  const projects = lookup(snapshot, 'SELECT x.id, x.title FROM buckets x', 'x.round_id = $1', (b: { id: string; title: string }) => `${csvField(b.id)};${typed(b.title)}`);
  const staff = lookup(
    snapshot,
    'SELECT x.id, x.name FROM memberships x',
    'x.organisation_id = (SELECT organisation_id FROM rounds WHERE id = $1)',
    (m: { id: string; name: string }) => typed(m.name),
  );
  const reasons = new Map<string | null, string>();
  const reasonField = (reason: string | null) => {
    let field = reasons.get(reason);
    if (field === undefined) {
      const label = reasonLabel(reason, locale);
      field = label.system ? csvField(label.text ?? '') : typed(label.text);
      if (reasons.size < REASONS_KEPT) reasons.set(reason, field);
    }
    return field;
  };

  async function records(rows: LedgerValues[]): Promise<string> {
    await members.load(rows.map((r) => r[3]));
    await projects.load(rows.map((r) => r[4]));
    await staff.load(rows.map((r) => r[6]));
    let text = '';
    for (const [id, seconds, kind, participantId, bucketId, deltaCents, enteredBy, reason, key] of rows) {
      // The foreign key: every ledger row's participant exists, and was just loaded.
      const member = members.get(participantId)!;
      const project = bucketId === null ? ';' : (projects.get(bucketId) ?? `${csvField(bucketId)};`);
      const who = enteredBy === null ? automatic : (staff.get(enteredBy) ?? automatic);
      const behalf = kind !== 'allocate' ? '' : enteredBy !== null && enteredBy !== member.membershipId ? onBehalf.yes : onBehalf.no;
      // The id, date and amount are digits and separators of ours: never a `;`, `"` or CRLF.
      text += `${id};${date(seconds)};${kinds[kind]};${member.fields};${project};${amount(deltaCents)};${who};${behalf};${reasonField(reason)};${typed(key)}\r\n`;
    }
    return text;
  }

  async function preload(roundId: string): Promise<void> {
    await members.preload(roundId);
    await projects.preload(roundId);
    await staff.preload(roundId);
  }

  return { sql: LEDGER_ROWS_SQL, preload, records };
}

/** ledger.csv's rows, batch by batch, each batch one string. */
export async function* ledgerCsvRecords(snapshot: Snapshot, ctx: ExportContext): AsyncGenerator<string> {
  const ledger = ledgerCsv(snapshot, ctx);
  await ledger.preload(ctx.round.id);
  for await (const batch of snapshot.batches<LedgerValues>(ledger.sql, [ctx.round.id], { arrays: true })) yield await ledger.records(batch);
}
