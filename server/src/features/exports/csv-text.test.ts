import { describe, expect, it } from 'vitest';
import { stringify } from 'csv-stringify/sync';
import { csvRecords } from './csv-text.ts';

/** What the files were written with before: the reference the hand-written encoder must match. */
const reference = (records: string[][]) => stringify(records, { delimiter: ';', record_delimiter: 'windows', quote: '"' });

/** A small seeded generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['a', 'Z', '0', ' ', ';', ',', '"', "'", '\r', '\n', '\t', '=', '-', '+', '@', 'é', '€', '\uFEFF', '\u2028', '#', '\\'];

describe('CSV text', () => {
  it('writes plain, empty, quoted and multi-line fields as csv-stringify does', () => {
    const records = [
      ['plain', '', '12,50', 'a;b', 'say "hi"', 'two\r\nlines', 'cr\ronly', 'lf\nonly', '"', ';', '  spaced  ', "'=1+1"],
      [''],
      ['', ''],
    ];
    expect(csvRecords(records)).toBe(reference(records));
  });

  it('matches csv-stringify byte for byte on two thousand random records', () => {
    const rand = random(20261202);
    const records = Array.from({ length: 2_000 }, () =>
      Array.from({ length: 1 + Math.floor(rand() * 13) }, () =>
        Array.from({ length: Math.floor(rand() * 8) }, () => ALPHABET[Math.floor(rand() * ALPHABET.length)]).join(''),
      ),
    );
    expect(csvRecords(records)).toBe(reference(records));
  });
});
