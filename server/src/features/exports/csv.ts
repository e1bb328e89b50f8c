import { majorUnits, type Reconciliation } from '@cagnotte/shared';
import { reconciliationRows, type ExportContext } from './context.ts';
import { CSV_RECORD_END, csvField, csvRecord } from './csv-text.ts';
import { yesNo } from './labels.ts';
import { neutralise } from './rules.ts';
import type { Snapshot } from './snapshot.ts';
import type { Cell, Table } from './tables.ts';

/** What French spreadsheet software opens as it should: a BOM for UTF-8, `;`, CRLF (csv-text.ts). */
const BOM = '\uFEFF';

export function csvCell(cell: Cell, ctx: ExportContext): string {
  switch (cell.kind) {
    case 'text':
      return neutralise(cell.value);
    case 'code':
      return cell.value;
    case 'amount':
      return majorUnits(cell.value, ctx.round.currency, ctx.locale);
    case 'count':
      return String(cell.value);
    case 'date':
      return cell.value ? ctx.formatDate(cell.value) : '';
    case 'flag':
      return cell.value === null ? '' : yesNo(cell.value, ctx.locale);
  }
}

/** The records of some rows, as one string: no array of texts in between (a million rows pass here). */
function lines(rows: Iterable<Cell[]>, ctx: ExportContext): string {
  let text = '';
  for (const cells of rows) {
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i];
      if (i > 0) text += ';';
      if (cell) text += csvField(csvCell(cell, ctx));
    }
    text += CSV_RECORD_END;
  }
  return text;
}

function* cellsOf<Row>(table: Table<Row>, batch: Row[], ctx: ExportContext): Generator<Cell[]> {
  for (const row of batch) yield table.cells(row, ctx.locale);
}

/** A table's records, batch by batch as the cursor yields rows, each batch one string. */
async function* tableRecords<Row>(snapshot: Snapshot, table: Table<Row>, ctx: ExportContext): AsyncGenerator<string> {
  for await (const batch of snapshot.batches<Row>(table.sql, [ctx.round.id])) yield lines(cellsOf(table, batch, ctx), ctx);
}

/**
 * One CSV file, produced batch by batch as the cursor yields rows: the header, the rows, then
 * after a blank line the reconciliation summary (`# Reconciliation;…`). `records`: the table's
 * rows written another way, to the same bytes (the ledger's, ledger-csv.ts).
 */
export async function* csvFile<Row>(
  snapshot: Snapshot,
  table: Table<Row>,
  ctx: ExportContext,
  reconciliation: Reconciliation,
  records: AsyncIterable<string> = tableRecords(snapshot, table, ctx),
): AsyncGenerator<string> {
  let head = BOM + csvRecord(table.headers.map((h) => h[ctx.locale]));
  for await (const text of records) {
    yield head + text;
    head = '';
  }
  yield `${head}\r\n${lines(reconciliationRows(reconciliation, ctx.locale, ctx.timeZone), ctx)}`;
}
