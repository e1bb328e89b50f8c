import pg from 'pg';

const TIMESTAMPTZ = pg.types.builtins.TIMESTAMPTZ;
const parseAny = pg.types.getTypeParser(TIMESTAMPTZ, 'text');

const digit = (text: string, i: number) => text.charCodeAt(i) - 48;
const two = (text: string, i: number) => digit(text, i) * 10 + digit(text, i + 1);
const isDigit = (text: string, i: number) => {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/** `YYYY-MM-DD HH:MM:SS`: the separators at their places and digits everywhere else. */
function isPlainDateTime(text: string): boolean {
  if (text.length < 22) return false;
  for (let i = 0; i < 19; i++) {
    const c = text.charCodeAt(i);
    const expected = i === 4 || i === 7 ? 45 : i === 10 ? 32 : i === 13 || i === 16 ? 58 : -1;
    if (expected === -1 ? c < 48 || c > 57 : c !== expected) return false;
  }
  return true;
}

/**
 * A `timestamptz` as PostgreSQL writes it (ISO DateStyle), parsed without regular expressions:
 * an export parses one per ledger row, and node-postgres' parser was its costliest step. Only
 * the common form takes this path — a four-digit year, optional fraction, an offset of `±HH`,
 * `±HH:MM` or `±HH:MM:SS` — and gives the same instant node-postgres' parser gives
 * (`timestamps.test.ts`); anything else (BC, infinity, five-digit years) goes to that parser.
 */
export function parseTimestamptz(text: string): Date | number | null {
  if (!isPlainDateTime(text) || digit(text, 0) === 0) return parseAny(text) as Date | number | null;
  let i = 19;
  let ms = 0;
  if (text.charCodeAt(i) === 46) {
    let end = i + 1;
    while (end < text.length && isDigit(text, end)) end++;
    if (end === i + 1) return parseAny(text) as Date;
    ms = 1000 * Number(text.slice(i, end));
    i = end;
  }
  const sign = text.charCodeAt(i);
  if ((sign !== 43 && sign !== 45) || !isDigit(text, i + 1) || !isDigit(text, i + 2)) return parseAny(text) as Date;
  let offset = two(text, i + 1) * 3600;
  i += 3;
  for (const unit of [60, 1]) {
    if (i === text.length) break;
    if (text.charCodeAt(i) !== 58 || !isDigit(text, i + 1) || !isDigit(text, i + 2)) return parseAny(text) as Date;
    offset += two(text, i + 1) * unit;
    i += 3;
  }
  if (i !== text.length) return parseAny(text) as Date;
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + two(text, 2);
  const utc = Date.UTC(year, two(text, 5) - 1, two(text, 8), two(text, 11), two(text, 14), two(text, 17), ms);
  return new Date(utc - (sign === 45 ? -offset : offset) * 1000);
}

/** The type parsers of the export cursors: the app's own, with the fast timestamptz. */
export const exportTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ && format !== 'binary' ? parseTimestamptz : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};
