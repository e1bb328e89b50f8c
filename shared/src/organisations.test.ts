import { describe, expect, it } from 'vitest';
import { OrganisationPatch, isTimeZone } from './organisations.ts';

describe('time zones', () => {
  it('accepts IANA zones and UTC', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('America/Toronto')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
  });

  it('refuses anything else', () => {
    expect(isTimeZone('Europe/Atlantis')).toBe(false);
    expect(isTimeZone('+02:00')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});

describe('an organisation patch', () => {
  it('names the field that is wrong', () => {
    const result = OrganisationPatch.safeParse({ currency: 'euro', timeZone: 'Nowhere' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['currency', 'timeZone']);
  });
});
