import { CsvError, parse } from 'csv-parse/sync';
import { Email } from '@cagnotte/shared';

export type ImportLineError = { line: number; message: string };
export type AllowanceRow = { line: number; email: string; amountCents: number };

/**
 * An amount in major units as people type it, to minor units, exactly: "430", "12,50", "12.5",
 * "1 234,56" (spaces group thousands). Built from the digits as integers, never through a float.
 * Returns null when it is not such an amount or has more decimals than the currency allows.
 */
export function parseMajorAmount(text: string, minorDigits: number): number | null {
  const compact = text.trim().replace(/[\s\u00a0\u202f]/g, '');
  const match = /^(\d+)(?:[.,](\d+))?$/.exec(compact);
  if (!match) return null;
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > minorDigits) return null;
  const cents = BigInt(whole) * 10n ** BigInt(minorDigits) + BigInt(fraction.padEnd(minorDigits, '0') || '0');
  return cents <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(cents) : null;
}

/** `;` when the header has more semicolons than commas (spreadsheets in French locales), else `,`. */
function separatorOf(text: string): ',' | ';' {
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  return header.split(';').length > header.split(',').length ? ';' : ',';
}

type CsvRecord = { record: string[]; info: { lines: number } };

/**
 * `alice@example.org,12,50` in a comma-separated file: an e-mail never holds a comma, so three
 * cells whose amount part is digits then at most a few digits are one amount with a decimal comma.
 */
function rejoinDecimalComma(cells: string[], amountAt: number): string[] {
  if (cells.length !== 3) return cells;
  const [whole, fraction] = [cells[amountAt], cells[amountAt + 1]];
  if (whole === undefined || fraction === undefined || !/^\d[\d\s]*$/.test(whole) || !/^\d{1,3}$/.test(fraction)) return cells;
  const joined = [...cells];
  joined.splice(amountAt, 2, `${whole},${fraction}`);
  return joined;
}

/**
 * Reads an allowances file: a header `email,amount` (either order), `,` or `;` as separator
 * (an unquoted decimal comma is understood: `a@b.org,12,50`), UTF-8 with or without BOM.
 * Every line is checked; line numbers are the file's, the header being line 1. Whether each
 * e-mail belongs to a member is checked by the caller.
 */
export function parseAllowanceCsv(input: string, minorDigits: number): { rows: AllowanceRow[]; errors: ImportLineError[] } {
  const text = input.replace(/^\uFEFF/, '');
  if (text.trim() === '') return { rows: [], errors: [{ line: 1, message: 'the file is empty; it needs a header line email,amount' }] };
  const separator = separatorOf(text);
  let records: CsvRecord[];
  try {
    records = parse(text, { delimiter: separator, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as CsvRecord[];
  } catch (error) {
    if (error instanceof CsvError) {
      return { rows: [], errors: [{ line: typeof error.lines === 'number' ? error.lines : 1, message: `the file cannot be read as CSV: ${error.message}` }] };
    }
    throw error;
  }
  const [header, ...body] = records;
  if (!header) return { rows: [], errors: [{ line: 1, message: 'the file has no header line' }] };
  const columns = header.record.map((cell) => cell.trim().toLowerCase());
  const emailAt = columns.indexOf('email');
  const amountAt = columns.indexOf('amount');
  if (emailAt < 0 || amountAt < 0 || columns.length !== 2) {
    return { rows: [], errors: [{ line: header.info.lines, message: `the header must be email,amount (found ${header.record.join(',')})` }] };
  }

  const rows: AllowanceRow[] = [];
  const errors: ImportLineError[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { record: cells, info } of body) {
    const line = info.lines - cells.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    const record = separator === ',' ? rejoinDecimalComma(cells, amountAt) : cells;
    if (record.length !== 2) {
      errors.push({ line, message: `expected 2 fields (email, amount), found ${record.length}; quote amounts written with a comma, or use ; as separator` });
      continue;
    }
    const rawEmail = record[emailAt] ?? '';
    const rawAmount = record[amountAt] ?? '';
    const email = Email.safeParse(rawEmail);
    const amountCents = parseMajorAmount(rawAmount, minorDigits);
    if (!email.success) errors.push({ line, message: rawEmail === '' ? 'the e-mail is missing' : `"${rawEmail}" is not an e-mail address` });
    if (amountCents === null) {
      errors.push({
        line,
        message: rawAmount === '' ? 'the amount is missing' : `"${rawAmount}" is not an amount (write 430 or 12,50, at most ${minorDigits} decimals, no sign or currency)`,
      });
    }
    if (!email.success || amountCents === null) continue;
    const first = firstLineOf.get(email.data);
    if (first !== undefined) {
      errors.push({ line, message: `${email.data} is already on line ${first}` });
      continue;
    }
    firstLineOf.set(email.data, line);
    rows.push({ line, email: email.data, amountCents });
  }
  return { rows, errors };
}
