import { stringify, type Options } from 'csv-stringify/sync';
import { majorUnits, type Reconciliation } from '@cagnotte/shared';
import { reconciliationRows, type ExportContext } from './context.ts';
import { yesNo } from './labels.ts';
import { neutralise } from './rules.ts';
import type { Snapshot } from './snapshot.ts';
import type { Cell, Table } from './tables.ts';

/** What French spreadsheet software opens as it should: a BOM for UTF-8, `;`, CRLF. */
const OPTIONS: Options = { delimiter: ';', record_delimiter: 'windows', quote: '"' };
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

const lines = (rows: Cell[][], ctx: ExportContext) => stringify(rows.map((row) => row.map((cell) => csvCell(cell, ctx))), OPTIONS);

/**
 * One CSV file, produced batch by batch as the cursor yields rows: the header, the rows, then
 * after a blank line the reconciliation summary (`# Reconciliation;…`).
 */
export async function* csvFile<Row>(snapshot: Snapshot, table: Table<Row>, ctx: ExportContext, reconciliation: Reconciliation): AsyncGenerator<string> {
  let head = BOM + stringify([table.headers.map((h) => h[ctx.locale])], OPTIONS);
  for await (const batch of snapshot.batches<Row>(table.sql, [ctx.round.id])) {
    yield head + lines(batch.map((row) => table.cells(row, ctx.locale)), ctx);
    head = '';
  }
  yield `${head}\r\n${lines(reconciliationRows(reconciliation, ctx.locale, ctx.timeZone), ctx)}`;
}
