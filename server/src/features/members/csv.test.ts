import { describe, expect, it } from 'vitest';
import { decodeCsv, detectSeparator, parseMembersCsv } from './csv.ts';

describe('reading a members file', () => {
  it('reads email, name and role, defaulting the role to member', () => {
    const parsed = parseMembersCsv('email,name,role\nada@example.org,Ada,admin\nbob@example.org,Bob,\n');
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toEqual([
      { line: 2, email: 'ada@example.org', name: 'Ada', role: 'admin', eligible: false, memberNumber: null },
      { line: 3, email: 'bob@example.org', name: 'Bob', role: 'member', eligible: false, memberNumber: null },
    ]);
  });

  it('accepts a file without the role column', () => {
    expect(parseMembersCsv('email,name\nada@example.org,Ada').rows).toEqual([{ line: 2, email: 'ada@example.org', name: 'Ada', role: 'member', eligible: false, memberNumber: null }]);
  });

  it('detects the semicolon separator of French spreadsheets', () => {
    const parsed = parseMembersCsv('email;name;role\r\nzoe@example.org;Zoé Durand, gérante;reviewer\r\n');
    expect(parsed.rows).toEqual([{ line: 2, email: 'zoe@example.org', name: 'Zoé Durand, gérante', role: 'reviewer', eligible: false, memberNumber: null }]);
  });

  it('ignores a byte order mark', () => {
    const parsed = parseMembersCsv(decodeCsv(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('email,name\na@example.org,A\n')])));
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toHaveLength(1);
  });

  it('lower-cases e-mails and the header and role, and trims cells', () => {
    const parsed = parseMembersCsv('Email , Name,ROLE\n  Ada@Example.ORG , Ada Lovelace , Admin \n');
    expect(parsed.rows).toEqual([{ line: 2, email: 'ada@example.org', name: 'Ada Lovelace', role: 'admin', eligible: false, memberNumber: null }]);
  });

  it('names each bad line by its number in the file, counting skipped blank lines', () => {
    const parsed = parseMembersCsv('email,name,role\nok@example.org,Ok\n\nnot-an-email,X\nc@example.org,,member\nd@example.org,D,boss\n');
    expect(parsed.errors).toEqual([
      { line: 4, message: '"not-an-email" is not an e-mail address' },
      { line: 5, message: 'the name is missing' },
      { line: 6, message: 'unknown role "boss" (admin, reviewer, accountant or member)' },
    ]);
  });

  it('reports an e-mail listed twice on its second line, whatever its case', () => {
    const parsed = parseMembersCsv('email,name\na@example.org,A\nb@example.org,B\nA@example.org,A again\n');
    expect(parsed.errors).toEqual([{ line: 4, message: 'a@example.org is already on line 2' }]);
  });

  it('reports a line with more fields than the header', () => {
    expect(parseMembersCsv('email,name\na@example.org,A,admin\n').errors).toEqual([{ line: 2, message: 'expected 2 fields as in the header, found 3' }]);
  });

  it('refuses a header without the e-mail column or with an unknown one', () => {
    expect(parseMembersCsv('mail,name\na@example.org,A\n').errors).toEqual([
      { line: 1, message: 'unknown column "mail" (expected email, name and optionally role, eligible, number)' },
      { line: 1, message: 'the header has no "email" column' },
    ]);
  });

  it('refuses an empty file', () => {
    expect(parseMembersCsv('\uFEFF\n').errors).toEqual([{ line: 1, message: 'the file is empty; it needs a header line email,name,role' }]);
  });

  it('reports a line that is not UTF-8', () => {
    const latin1 = new Uint8Array([...new TextEncoder().encode('email,name\nz@example.org,Zo'), 0xe9, 0x0a]);
    expect(parseMembersCsv(decodeCsv(latin1)).errors).toEqual([{ line: 2, message: 'this line is not valid UTF-8 (save the file as "CSV UTF-8")' }]);
  });

  it('reports an unclosed quote with its line', () => {
    const parsed = parseMembersCsv('email,name\na@example.org,A\nb@example.org,"B\n');
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]?.line).toBe(3);
  });

  it('refuses a name spanning several lines, numbered by the line it starts on', () => {
    expect(parseMembersCsv('email,name\na@example.org,"A\nB"\n').errors).toEqual([{ line: 2, message: 'the name must fit on one line' }]);
  });

  it('reads the optional eligible and number columns, in English or French words', () => {
    const parsed = parseMembersCsv('email;name;eligible;number\na@example.org;A;oui;S-001\nb@example.org;B;non;\nc@example.org;C;yes; 42 \nd@example.org;D;;\n');
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows.map((r) => [r.email, r.eligible, r.memberNumber])).toEqual([
      ['a@example.org', true, 'S-001'],
      ['b@example.org', false, null],
      ['c@example.org', true, '42'],
      ['d@example.org', false, null],
    ]);
  });

  it('reports an eligibility that is not yes or no, and a member number listed twice', () => {
    const parsed = parseMembersCsv('email,name,eligible,number\na@example.org,A,maybe,1\nb@example.org,B,1,7\nc@example.org,C,0,7\n');
    expect(parsed.errors).toEqual([
      { line: 2, message: '"maybe" is not yes or no (eligible)' },
      { line: 4, message: 'the member number 7 is already on line 3' },
    ]);
  });

  it('accepts a header alone as nothing to import', () => {
    expect(parseMembersCsv('email,name,role\n')).toEqual({ rows: [], errors: [] });
  });
});

describe('the separator', () => {
  it('is the one the header line uses more', () => {
    expect(detectSeparator('email;name;role\na,b,c')).toBe(';');
    expect(detectSeparator('email,name,role\na;b;c')).toBe(',');
    expect(detectSeparator('email\n')).toBe(',');
  });
});
