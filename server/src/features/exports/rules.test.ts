import { describe, expect, it } from 'vitest';
import { majorUnits } from '@cagnotte/shared';
import { fileSlug, neutralise, sideOf, xlsxAmount } from './rules.ts';

describe('neutralise', () => {
  it.each(['=HYPERLINK("http://x","y")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx', '＝1+1', '＋1', '－1', '＠x'])('prefixes %j with a quote', (text) => {
    expect(neutralise(text)).toBe(`'${text}`);
  });

  it('leaves ordinary text, inner formulas and empty values alone', () => {
    expect(neutralise('Jardin partagé')).toBe('Jardin partagé');
    expect(neutralise('a=b')).toBe('a=b');
    expect(neutralise('')).toBe('');
    expect(neutralise(null)).toBe('');
  });
});

describe('xlsxAmount', () => {
  it('is a number whose shortest text is the exact amount', () => {
    for (const cents of [0, 1, 10, 99, 1250, -1250, 123456789, -100001, 4_503_599_627_370_495]) {
      const exact = majorUnits(cents, 'EUR', 'en');
      const value = xlsxAmount(cents, 'EUR');
      expect(typeof value).toBe('number');
      expect(String(value)).toBe(exact.replace(/\.?0+$/, '') || '0');
    }
  });

  it('holds for every cent of a range where floats are at their coarsest', () => {
    for (let cents = 2 ** 52 - 1_000; cents < 2 ** 52; cents++) {
      expect(String(xlsxAmount(cents, 'EUR'))).toBe(majorUnits(cents, 'EUR', 'en').replace(/\.?0+$/, ''));
    }
  });

  it('follows the currency’s minor unit', () => {
    expect(xlsxAmount(1250, 'JPY')).toBe(1250);
    expect(xlsxAmount(1250, 'TND')).toBe(1.25);
  });

  it('falls back to exact text where a float could not hold it', () => {
    expect(xlsxAmount(2 ** 52 + 1, 'EUR')).toBe('45035996273704.97');
  });
});

describe('fileSlug', () => {
  it('makes a safe ASCII file name part from a title', () => {
    expect(fileSlug('Budget participatif 2026 — Été !', 'id')).toBe('budget-participatif-2026-ete');
  });

  it('falls back when nothing is left', () => {
    expect(fileSlug('— ☀ —', '0193-id')).toBe('0193-id');
  });
});

describe('a side of the reconciliation', () => {
  const side = { allowancesCents: 1000, inFundedBucketsCents: 300, inPendingBucketsCents: 200, unspentCents: 500, inOtherBucketsCents: 0 };

  it('balances when allowances = funded + pending + unspent', () => {
    expect(sideOf(side).balanced).toBe(true);
  });

  it('fails when a side does not balance', () => {
    expect(sideOf({ ...side, unspentCents: 499 }).balanced).toBe(false);
  });

  it('fails when a bucket of another status holds money', () => {
    expect(sideOf({ ...side, inOtherBucketsCents: 100, unspentCents: 400 }).balanced).toBe(false);
  });
});
