import { describe, expect, it } from 'vitest';
import { majorUnits, minorDigits } from './money.ts';

describe('majorUnits', () => {
  it('writes euros with a comma in French', () => {
    expect(majorUnits(1250, 'EUR', 'fr')).toBe('12,50');
  });
  it('writes cents below one euro with a leading zero', () => {
    expect(majorUnits(5, 'EUR', 'fr')).toBe('0,05');
  });
  it('keeps the sign of negative amounts', () => {
    expect(majorUnits(-123456, 'EUR', 'en')).toBe('-1234.56');
  });
  it('is exact beyond the precision of floats', () => {
    expect(majorUnits(9_007_199_254_740_991, 'EUR', 'fr')).toBe('90071992547409,91');
  });
  it('knows currencies without minor units', () => {
    expect(minorDigits('JPY')).toBe(0);
    expect(majorUnits(1234, 'JPY', 'fr')).toBe('1234');
  });
});
