/**
 * The `;`-separated records of a .pb file, with CSV quoting ("…", "" for a quote; a quoted
 * field may hold `;` and line breaks). Each record knows the line it starts on, for errors.
 */
export type CsvRecord = { line: number; fields: string[] };

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Unquoted fields are trimmed (as pabutools does); quoted ones are kept as written. */
export function readRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      // One field.
      let value = '';
      let j = i;
      while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
      if (text[j] === '"') {
        j++;
        for (;;) {
          if (j >= n) throw new CsvSyntaxError(start, `line ${start}: a quoted field is never closed`);
          const c = text[j] as string;
          if (c === '"') {
            if (text[j + 1] === '"') {
              value += '"';
              j += 2;
              continue;
            }
            j++;
            break;
          }
          if (c === '\n') line++;
          value += c;
          j++;
        }
        while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
        if (j < n && text[j] !== ';' && text[j] !== '\n' && text[j] !== '\r')
          throw new CsvSyntaxError(line, `line ${line}: unexpected text after a quoted field`);
      } else {
        j = i;
        // As Python's csv reader (pabutools): a quote inside an unquoted field is a plain character.
        while (j < n && text[j] !== ';' && text[j] !== '\n' && text[j] !== '\r') j++;
        value = text.slice(i, j).trim();
      }
      fields.push(value);
      if (j < n && text[j] === ';') {
        i = j + 1;
        continue;
      }
      // End of record.
      if (text[j] === '\r') j++;
      if (text[j] === '\n') j++;
      i = j;
      line++;
      break;
    }
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
  }
  return records;
}

const NEEDS_QUOTES = /[;"\r\n]|^\s|\s$/;

export function writeField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function writeRecord(fields: string[]): string {
  return fields.map(writeField).join(';');
}
