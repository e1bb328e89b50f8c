import { CsvError, parse } from 'csv-parse/sync';
import { Email, MemberNumber, Name, Role, type Role as RoleName } from '@cagnotte/shared';

export type ImportLineError = { line: number; message: string };
export type ImportRow = { line: number; email: string; name: string; role: RoleName; eligible: boolean; memberNumber: string | null };
export type ParsedImport = { rows: ImportRow[]; errors: ImportLineError[] };

const COLUMNS = ['email', 'name', 'role', 'eligible', 'number'] as const;

/** How a spreadsheet may say yes or no, in English or French; empty is no (not marked). */
const YES = new Set(['yes', 'y', 'true', '1', 'oui', 'o', 'vrai', 'x']);
const NO = new Set(['no', 'n', 'false', '0', 'non', 'faux', '']);
type Column = (typeof COLUMNS)[number];

/** UTF-8 bytes to text; a byte sequence that is not UTF-8 becomes U+FFFD, which the parser reports by line. */
export function decodeCsv(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/** `;` when the header has more semicolons than commas (spreadsheets in French locales), else `,`. */
export function detectSeparator(text: string): ',' | ';' {
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  const count = (c: string) => header.split(c).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

function readHeader(cells: string[]): { columns: (Column | undefined)[]; errors: string[] } {
  const errors: string[] = [];
  const columns = cells.map((cell) => {
    const name = cell.trim().toLowerCase();
    if ((COLUMNS as readonly string[]).includes(name)) return name as Column;
    errors.push(`unknown column "${cell}" (expected email, name and optionally role, eligible, number)`);
    return undefined;
  });
  for (const required of ['email', 'name'] as const) {
    if (!columns.includes(required)) errors.push(`the header has no "${required}" column`);
  }
  for (const column of COLUMNS) {
    if (columns.filter((c) => c === column).length > 1) errors.push(`the column "${column}" appears twice`);
  }
  return { columns, errors };
}

function readRow(cells: string[], columns: (Column | undefined)[], line: number): { row?: ImportRow; errors: string[] } {
  // Fewer cells is fine (a trailing empty role is often dropped); missing required ones are reported below.
  if (cells.length > columns.length) {
    return { errors: [`expected ${columns.length} fields as in the header, found ${cells.length}`] };
  }
  const value = (column: Column) => {
    const index = columns.indexOf(column);
    return index < 0 ? '' : (cells[index] ?? '');
  };
  const errors: string[] = [];
  if (cells.some((cell) => cell.includes('\uFFFD'))) {
    errors.push('this line is not valid UTF-8 (save the file as "CSV UTF-8")');
  }
  const email = Email.safeParse(value('email'));
  if (!email.success) errors.push(value('email') === '' ? 'the e-mail is missing' : `"${value('email')}" is not an e-mail address`);
  const rawName = value('name');
  const name = Name.safeParse(rawName);
  if (/[\r\n]/.test(rawName)) errors.push('the name must fit on one line');
  else if (!name.success) errors.push(rawName.trim() === '' ? 'the name is missing' : 'the name is longer than 200 characters');
  const rawRole = value('role').trim().toLowerCase();
  const role = Role.safeParse(rawRole === '' ? 'member' : rawRole);
  if (!role.success) errors.push(`unknown role "${value('role')}" (admin, reviewer, accountant or member)`);
  const rawEligible = value('eligible').trim().toLowerCase();
  const eligible = YES.has(rawEligible) ? true : NO.has(rawEligible) ? false : undefined;
  if (eligible === undefined) errors.push(`"${value('eligible')}" is not yes or no (eligible)`);
  const rawNumber = value('number').trim();
  const memberNumber = rawNumber === '' ? null : MemberNumber.safeParse(rawNumber);
  if (memberNumber && !memberNumber.success) errors.push('the member number must fit on one line of at most 64 characters');
  if (errors.length > 0 || !email.success || !name.success || !role.success || eligible === undefined || (memberNumber && !memberNumber.success)) return { errors };
  return { row: { line, email: email.data, name: name.data, role: role.data, eligible, memberNumber: memberNumber ? memberNumber.data : null }, errors };
}

/**
 * Reads a members file: a header `email,name,role,eligible,number` (role optional, default
 * member; eligible optional, yes/no, oui/non, true/false, 1/0, empty = no; number optional, the
 * organisation's own member number), `,` or `;` as separator, UTF-8 with or without BOM. Checks
 * every line on its own and against the others (an e-mail or a member number twice is an error
 * on its second line); line numbers are those of the file, the header being line 1. What needs
 * the database (already a member, number taken) is checked by the caller.
 */
export function parseMembersCsv(input: string): ParsedImport {
  const text = input.replace(/^\uFEFF/, '');
  if (text.trim() === '') return { rows: [], errors: [{ line: 1, message: 'the file is empty; it needs a header line email,name,role' }] };

  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: detectSeparator(text),
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error.lines === 'number' ? error.lines : 1;
      return { rows: [], errors: [{ line, message: `the file cannot be read as CSV: ${error.message}` }] };
    }
    throw error;
  }

  const [header, ...body] = records;
  if (!header) return { rows: [], errors: [{ line: 1, message: 'the file has no header line' }] };
  const errors: ImportLineError[] = [];
  const { columns, errors: headerErrors } = readHeader(header.record);
  errors.push(...headerErrors.map((message) => ({ line: startLine(header), message })));
  if (headerErrors.length > 0) return { rows: [], errors };

  const rows: ImportRow[] = [];
  const firstLineOf = new Map<string, number>();
  const numberLineOf = new Map<string, number>();
  for (const record of body) {
    const line = startLine(record);
    const read = readRow(record.record, columns, line);
    errors.push(...read.errors.map((message) => ({ line, message })));
    if (!read.row) continue;
    const first = firstLineOf.get(read.row.email);
    if (first !== undefined) {
      errors.push({ line, message: `${read.row.email} is already on line ${first}` });
      continue;
    }
    const number = read.row.memberNumber;
    const numberFirst = number === null ? undefined : numberLineOf.get(number);
    if (number !== null && numberFirst !== undefined) {
      errors.push({ line, message: `the member number ${number} is already on line ${numberFirst}` });
      continue;
    }
    firstLineOf.set(read.row.email, line);
    if (number !== null) numberLineOf.set(number, line);
    rows.push(read.row);
  }
  return { rows, errors };
}

/** csv-parse reports the line a record ends on; a quoted field may span several. */
function startLine({ record, info }: { record: string[]; info: { lines: number } }): number {
  const breaks = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
  return info.lines - breaks;
}
