import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { parseTimestamptz } from './timestamps.ts';

const reference = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text');

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

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const same = (text: string) => {
  const fast = parseTimestamptz(text);
  const slow = reference(text) as Date | number | null;
  expect(fast instanceof Date ? fast.getTime() : fast, text).toStrictEqual(slow instanceof Date ? slow.getTime() : slow);
};

describe('parseTimestamptz', () => {
  it.each([
    '2026-11-01 08:00:01+01',
    '2026-11-01 08:00:01.5+01',
    '2026-03-29 01:59:59.999999+00',
    '2026-11-24 10:15:00.123456-03:30',
    '1900-01-01 00:00:00+00:09:21',
    '0044-03-15 12:00:00+00 BC',
    '0099-12-31 23:59:59+00',
    '12026-01-01 00:00:00+00',
    'infinity',
    '-infinity',
  ])('gives what node-postgres gives for %s', (text) => same(text));

  it('gives what node-postgres gives for twenty thousand random timestamps', () => {
    const rand = random(20261202);
    const int = (n: number) => Math.floor(rand() * n);
    for (let n = 0; n < 20_000; n++) {
      const fraction = rand() < 0.5 ? '' : `.${String(int(1_000_000)).padStart(6, '0').slice(0, 1 + int(6))}`;
      const zone = `${rand() < 0.5 ? '+' : '-'}${pad(int(15))}${rand() < 0.3 ? `:${pad(int(60))}` : ''}${rand() < 0.1 ? `:${pad(int(60))}` : ''}`;
      same(`${pad(1000 + int(9000), 4)}-${pad(1 + int(12))}-${pad(1 + int(28))} ${pad(int(24))}:${pad(int(60))}:${pad(int(60))}${fraction}${zone}`);
    }
  });
});
