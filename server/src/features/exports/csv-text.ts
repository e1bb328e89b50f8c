/**
 * The CSV text of our files, written by hand because it runs for every field of a million-row
 * ledger: `;` between fields, CRLF after every record, and a field quoted (its quotes doubled)
 * exactly when it holds `;`, `"` or CRLF — byte for byte what csv-stringify 6 wrote with our
 * options before (`csv-text.test.ts` holds the two side by side). Like it, a lone CR or LF is
 * not quoted. An empty field is written empty.
 */
const NEEDS_QUOTES = /[;"]|\r\n/;

export const CSV_RECORD_END = '\r\n';

export function csvField(value: string): string {
  if (!NEEDS_QUOTES.test(value)) return value;
  return `"${value.replaceAll('"', '""')}"`;
}

/** One record, its CRLF included. */
export function csvRecord(fields: readonly string[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += ';';
    line += csvField(fields[i] ?? '');
  }
  return line + CSV_RECORD_END;
}

/** Records one after the other, as one string. */
export function csvRecords(records: readonly (readonly string[])[]): string {
  let text = '';
  for (const record of records) text += csvRecord(record);
  return text;
}
