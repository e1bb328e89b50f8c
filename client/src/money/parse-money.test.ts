import { describe, expect, it } from 'vitest';
import { moneyInputText, parseMoney } from './parse-money.ts';

describe('parseMoney', () => {
  it('reads French amounts, with a comma or a lone point as the decimal separator', () => {
    expect(parseMoney('12,50', 'fr', 'EUR')).toBe(1250);
    expect(parseMoney('12.5', 'fr', 'EUR')).toBe(1250);
    expect(parseMoney('1 234,56 €', 'fr', 'EUR')).toBe(123456);
    expect(parseMoney('1\u202f234,56\u00a0€', 'fr', 'EUR')).toBe(123456);
    expect(parseMoney('1.234,56', 'fr', 'EUR')).toBe(123456);
    expect(parseMoney('430', 'fr', 'EUR')).toBe(43000);
    expect(parseMoney(',5', 'fr', 'EUR')).toBe(50);
  });

  it('reads English amounts, with commas grouping thousands', () => {
    expect(parseMoney('12.50', 'en', 'EUR')).toBe(1250);
    expect(parseMoney('€1,234.56', 'en', 'EUR')).toBe(123456);
    expect(parseMoney('1234', 'en', 'EUR')).toBe(123400);
  });

  it('is exact to the cent where a float would drift', () => {
    expect(parseMoney('0,29', 'fr', 'EUR')).toBe(29);
    expect(parseMoney('1.15', 'en', 'EUR')).toBe(115);
    expect(parseMoney('4.35', 'en', 'EUR')).toBe(435);
  });

  it('follows the currency’s minor unit', () => {
    expect(parseMoney('1500', 'fr', 'JPY')).toBe(1500);
    expect(parseMoney('15,5', 'fr', 'JPY')).toBeNull();
    expect(parseMoney('1,234', 'fr', 'TND')).toBe(1234);
  });

  it('refuses what is not an amount: empty, negative, letters only, too many decimals, misplaced groups', () => {
    for (const text of ['', '  ', '-5', 'abc', '12,345', '1,2,3', '12.5.6']) expect(parseMoney(text, text === '12,345' ? 'fr' : 'en', 'EUR'), text).toBeNull();
    expect(parseMoney('12,345', 'fr', 'EUR')).toBeNull();
    expect(parseMoney('1,23.4', 'en', 'EUR')).toBeNull();
  });
});

describe('moneyInputText', () => {
  it('writes what the field reads back', () => {
    expect(moneyInputText(3750, 'fr', 'EUR')).toBe('37,50');
    expect(moneyInputText(3750, 'en', 'EUR')).toBe('37.50');
    expect(moneyInputText(5, 'fr', 'EUR')).toBe('0,05');
    for (const cents of [0, 1, 99, 100, 43000, 123456789]) {
      for (const locale of ['fr', 'en']) expect(parseMoney(moneyInputText(cents, locale, 'EUR'), locale, 'EUR')).toBe(cents);
    }
  });
});
