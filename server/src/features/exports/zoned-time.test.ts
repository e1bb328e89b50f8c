import { describe, expect, it } from 'vitest';
import { zonedIso, zonedText, zonedWallClock } from './zoned-time.ts';

describe('zonedIso', () => {
  it('writes a Paris winter instant with +01:00', () => {
    expect(zonedIso('Europe/Paris')(new Date('2026-11-24T09:15:00Z'))).toBe('2026-11-24T10:15:00+01:00');
  });

  it('writes a Paris summer instant with +02:00', () => {
    expect(zonedIso('Europe/Paris')(new Date('2026-07-14T08:00:30.999Z'))).toBe('2026-07-14T10:00:30+02:00');
  });

  it('changes offset exactly at the spring change, second by second', () => {
    const paris = zonedIso('Europe/Paris');
    expect(paris(new Date('2026-03-29T00:59:59Z'))).toBe('2026-03-29T01:59:59+01:00');
    expect(paris(new Date('2026-03-29T01:00:00Z'))).toBe('2026-03-29T03:00:00+02:00');
  });

  it('tells the two 02:30 of the autumn change apart by their offset', () => {
    const paris = zonedIso('Europe/Paris');
    expect(paris(new Date('2026-10-25T00:30:00Z'))).toBe('2026-10-25T02:30:00+02:00');
    expect(paris(new Date('2026-10-25T01:30:00Z'))).toBe('2026-10-25T02:30:00+01:00');
  });

  it('writes negative and non-whole-hour offsets', () => {
    expect(zonedIso('America/St_Johns')(new Date('2026-01-10T12:00:00Z'))).toBe('2026-01-10T08:30:00-03:30');
    expect(zonedIso('Asia/Kathmandu')(new Date('2026-01-10T12:00:00Z'))).toBe('2026-01-10T17:45:00+05:45');
  });

  it('writes UTC as +00:00 and crosses midnight into the next local day', () => {
    expect(zonedIso('UTC')(new Date('2026-01-10T12:00:00Z'))).toBe('2026-01-10T12:00:00+00:00');
    expect(zonedIso('Pacific/Auckland')(new Date('2026-12-31T12:00:00Z'))).toBe('2027-01-01T01:00:00+13:00');
  });

  it('agrees with Intl at every hour of a year, instants given out of order', () => {
    const paris = zonedIso('Europe/Paris');
    const intl = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'medium' });
    const start = Date.UTC(2026, 0, 1);
    for (let h = 0; h < 366 * 24; h += 7) {
      const date = new Date(start + ((h * 7919) % (366 * 24)) * 3_600_000 + 123_000);
      expect(paris(date).slice(0, 19).replace('T', ' ')).toBe(intl.format(date));
    }
  });
});

describe('zonedText', () => {
  it('writes the French wall clock day first, the English one in ISO order, both to the second', () => {
    const winter = new Date('2026-12-01T19:50:48.700Z');
    expect(zonedText('Europe/Paris', 'fr')(winter)).toBe('01/12/2026 20:50:48');
    expect(zonedText('Europe/Paris', 'en')(winter)).toBe('2026-12-01 20:50:48');
    expect(zonedText('America/New_York', 'en')(winter)).toBe('2026-12-01 14:50:48');
  });

  it('follows summer time and crosses midnight into the local day', () => {
    expect(zonedText('Europe/Paris', 'fr')(new Date('2026-07-14T22:30:00Z'))).toBe('15/07/2026 00:30:00');
  });
});

describe('zonedWallClock', () => {
  it('gives a date whose UTC fields are the zone’s wall clock, seconds whole', () => {
    expect(zonedWallClock('Europe/Paris')(new Date('2026-12-01T19:50:48.999Z')).toISOString()).toBe('2026-12-01T20:50:48.000Z');
    expect(zonedWallClock('Asia/Kathmandu')(new Date('2026-01-10T12:00:00Z')).toISOString()).toBe('2026-01-10T17:45:00.000Z');
  });
});
