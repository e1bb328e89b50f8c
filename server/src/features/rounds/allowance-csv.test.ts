import { describe, expect, it } from 'vitest';
import { parseAllowanceCsv, parseMajorAmount } from './allowance-csv.ts';

describe('parseMajorAmount', () => {
  it('reads whole amounts', () => {
    expect(parseMajorAmount('430', 2)).toBe(43_000);
    expect(parseMajorAmount('0', 2)).toBe(0);
  });

  it('reads a decimal comma or point', () => {
    expect(parseMajorAmount('12,50', 2)).toBe(1250);
    expect(parseMajorAmount('12.5', 2)).toBe(1250);
    expect(parseMajorAmount('0,05', 2)).toBe(5);
  });

  it('is exact where floats are not', () => {
    expect(parseMajorAmount('0.29', 2)).toBe(29); // 0.29 * 100 = 28.999999999999996
    expect(parseMajorAmount('1.15', 2)).toBe(115);
    expect(parseMajorAmount('90071992547409,91', 2)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('accepts spaces grouping thousands', () => {
    expect(parseMajorAmount('1 234,56', 2)).toBe(123_456);
    expect(parseMajorAmount('1\u202f234', 2)).toBe(123_400);
  });

  it('refuses more decimals than the currency has', () => {
    expect(parseMajorAmount('12,505', 2)).toBeNull();
    expect(parseMajorAmount('12,5', 0)).toBeNull();
    expect(parseMajorAmount('1234', 0)).toBe(1234);
  });

  it('refuses signs, currency symbols, empty and oversized amounts', () => {
    for (const text of ['-5', '+5', '12 €', '', ',50', '12,', '1e3', '90071992547409,92']) {
      expect(parseMajorAmount(text, 2)).toBeNull();
    }
  });
});

describe('parseAllowanceCsv', () => {
  it('reads e-mails and amounts in cents, lowercasing e-mails', () => {
    const parsed = parseAllowanceCsv('email,amount\nAlice@Example.org,430\nbob@example.org,"12,50"\n', 2);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toEqual([
      { line: 2, email: 'alice@example.org', amountCents: 43_000 },
      { line: 3, email: 'bob@example.org', amountCents: 1250 },
    ]);
  });

  it('understands an unquoted decimal comma in a comma-separated file', () => {
    expect(parseAllowanceCsv('email,amount\nalice@example.org,12,50\n', 2).rows).toEqual([{ line: 2, email: 'alice@example.org', amountCents: 1250 }]);
    expect(parseAllowanceCsv('amount,email\n12,50,alice@example.org\n', 2).rows).toEqual([{ line: 2, email: 'alice@example.org', amountCents: 1250 }]);
  });

  it('reads semicolon-separated files with a BOM and CRLF line ends', () => {
    const parsed = parseAllowanceCsv('\uFEFFemail;amount\r\nalice@example.org;12,50\r\n', 2);
    expect(parsed).toEqual({ rows: [{ line: 2, email: 'alice@example.org', amountCents: 1250 }], errors: [] });
  });

  it('names each bad line by its number in the file', () => {
    const parsed = parseAllowanceCsv('email,amount\nalice@example.org,430\nnot-an-email,10\n\nbob@example.org,ten\n', 2);
    expect(parsed.errors).toEqual([
      { line: 3, message: '"not-an-email" is not an e-mail address' },
      { line: 5, message: expect.stringContaining('"ten" is not an amount') },
    ]);
  });

  it('reports an e-mail given twice on its second line', () => {
    const parsed = parseAllowanceCsv('email,amount\nalice@example.org,1\nALICE@example.org,2\n', 2);
    expect(parsed.errors).toEqual([{ line: 3, message: 'alice@example.org is already on line 2' }]);
  });

  it('refuses a file without the expected header', () => {
    expect(parseAllowanceCsv('mail,montant\na@example.org,1\n', 2).errors).toEqual([{ line: 1, message: expect.stringContaining('email,amount') }]);
    expect(parseAllowanceCsv('  \n', 2).errors[0]?.line).toBe(1);
  });
});
