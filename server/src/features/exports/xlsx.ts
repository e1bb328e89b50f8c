import type { Writable } from 'node:stream';
// Loaded on the first workbook: exceljs and its zip libraries were a fifth of the server's start.
import type ExcelJS from 'exceljs';
import type { Reconciliation } from '@cagnotte/shared';
import { reconciliationRows, type ExportContext } from './context.ts';
import { yesNo } from './labels.ts';
import { xlsxAmount } from './rules.ts';
import type { Snapshot } from './snapshot.ts';
import { bucketsTable, ledgerTable, membersTable, type Cell, type Table } from './tables.ts';

/** Excel's limit of rows per sheet, the header included. */
export const EXCEL_MAX_ROWS = 1_048_576;

type Value = string | number | Date | null;

/**
 * XLSX cells are typed: a text cell is never read as a formula, so text is written as typed
 * (no `'` as in CSV). Amounts are numbers in major units (exact: see `xlsxAmount`); dates are
 * date cells holding the organisation's wall clock (a spreadsheet date has no time zone; the
 * Reconciliation sheet names the zone), shown in the locale's date format.
 */
export function xlsxValue(cell: Cell, ctx: ExportContext): Value {
  switch (cell.kind) {
    case 'text':
      return cell.value || null;
    case 'code':
      return cell.value;
    case 'amount':
      return xlsxAmount(cell.value, ctx.round.currency, ctx.digits);
    case 'count':
      return cell.value;
    case 'date':
      return cell.value ? ctx.wallClock(cell.value) : null;
    case 'flag':
      return cell.value === null ? null : yesNo(cell.value, ctx.locale);
  }
}

type Book = InstanceType<typeof ExcelJS.stream.xlsx.WorkbookWriter>;

/** One table's rows over as many sheets as it needs ("Ledger", "Ledger 2"…), each with the header. */
function sheetSeries(book: Book, name: string, header: string[], maxRows: number, dateFormat: string) {
  let sheet: ExcelJS.Worksheet | undefined;
  let rows = 0;
  let count = 0;
  const open = () => {
    sheet?.commit();
    count += 1;
    sheet = book.addWorksheet(count === 1 ? name : `${name} ${count}`, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.addRow(header).commit();
    rows = 1;
    return sheet;
  };
  return {
    /**
     * Resolves once the zip has taken in what the current sheet wrote. exceljs pipes each sheet
     * into the zip without back-pressure (exceljs 4.4: worksheet.stream.pipes, a readable-stream
     * PassThrough of archiver's); without this wait, rows outrun deflate and pile up in buffers.
     */
    zipCaughtUp(out: Writable): Promise<void> {
      type Entry = { _writableState?: { needDrain?: boolean }; once: (event: string, listener: () => void) => void; off: (event: string, listener: () => void) => void };
      const internal = sheet as unknown as { stream?: { pipes?: Entry[] } } | undefined;
      const entry = internal?.stream?.pipes?.[0];
      if (!entry?._writableState?.needDrain || out.destroyed) return Promise.resolve();
      // The zip stops reading when the client leaves: stop waiting then too.
      return new Promise<void>((resolve) => {
        const done = () => {
          entry.off('drain', done);
          out.off('close', done);
          resolve();
        };
        entry.once('drain', done);
        out.once('close', done);
      });
    },
    add(values: Value[]) {
      const target = !sheet || rows >= maxRows ? open() : sheet;
      addRow(target, values, dateFormat);
      rows += 1;
    },
    finish() {
      (sheet ?? open()).commit();
    },
  };
}

/** Writes a row, date cells with the date format (the only style the workbook holds). */
function addRow(sheet: ExcelJS.Worksheet, values: Value[], dateFormat: string): void {
  const row = sheet.addRow(values);
  values.forEach((value, i) => {
    if (value instanceof Date) row.getCell(i + 1).numFmt = dateFormat;
  });
  row.commit();
}

/** Resolves on the first of `events` from `out` (or at once if it is already destroyed). */
function first(out: Writable, events: string[]): Promise<void> {
  if (out.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      for (const event of events) out.off(event, done);
      resolve();
    };
    for (const event of events) out.on(event, done);
  });
}

/** Resolves once `out` can take more, or is gone. */
const room = (out: Writable) => (out.writableNeedDrain ? first(out, ['drain', 'close']) : Promise.resolve());

export type WorkbookOptions = { maxRowsPerSheet: number };

/**
 * The round in one workbook — Buckets, Members, Ledger (continued on "Ledger 2"… past the row
 * limit), Reconciliation — written as rows come from the cursor. Shared strings stay off: with
 * them exceljs keeps every string in memory (measured: 524 MB instead of 176 MB for 200,000
 * rows, with styles on too). Styles are on for the date cells' format: exceljs keeps one entry
 * per distinct style, and there is one. Stops early, quietly, when `out` is destroyed.
 */
export async function writeWorkbook(snapshot: Snapshot, out: Writable, ctx: ExportContext, reconciliation: Reconciliation, options: WorkbookOptions): Promise<void> {
  if (options.maxRowsPerSheet < 2) throw new RangeError('a sheet needs room for its header and one row');
  const { default: excel } = await import('exceljs');
  const book = new excel.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });

  async function table<Row>(t: Table<Row>): Promise<boolean> {
    const series = sheetSeries(book, t.sheet, t.headers.map((h) => h[ctx.locale]), options.maxRowsPerSheet, ctx.dateFormat);
    const totals = t.totals();
    for await (const batch of snapshot.batches<Row>(t.sql, [ctx.round.id])) {
      for (const row of batch) {
        totals.add(row);
        series.add(t.cells(row, ctx.locale).map((cell) => xlsxValue(cell, ctx)));
      }
      await room(out);
      await series.zipCaughtUp(out);
      if (out.destroyed) return false;
    }
    for (const total of totals.rows(ctx.locale)) {
      const values: Value[] = t.headers.map((_, i) => {
        const cell = total.cells.get(i);
        return cell ? xlsxValue(cell, ctx) : null;
      });
      values[0] = total.label;
      series.add(values);
    }
    series.finish();
    return true;
  }

  if (!(await table(bucketsTable))) return;
  if (!(await table(membersTable))) return;
  if (!(await table(ledgerTable))) return;
  const summary = book.addWorksheet('Reconciliation');
  for (const row of reconciliationRows(reconciliation, ctx.locale, ctx.timeZone)) addRow(summary, row.map((cell) => xlsxValue(cell, ctx)), ctx.dateFormat);
  summary.commit();
  // Every row is written: the database client can go back to the pool while the zip finishes.
  await snapshot.release();
  // If the client leaves now, the archive never finishes: stop waiting for it.
  await Promise.race([book.commit(), first(out, ['close'])]);
}
