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

describe('zonedText against Intl', () => {
  /** What Intl writes for the same instant, the oracle: day/month/year or year-month-day, and the time. */
  const formats = new Map<string, Intl.DateTimeFormat>();
  function intlText(timeZone: string, locale: 'fr' | 'en', date: Date): string {
    let format = formats.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
      formats.set(timeZone, format);
    }
    const parts = Object.fromEntries(
      format
        .formatToParts(date)
        .map((p) => [p.type, p.value]),
    );
    const time = `${parts.hour}:${parts.minute}:${parts.second}`;
    return locale === 'fr' ? `${parts.day}/${parts.month}/${parts.year} ${time}` : `${parts.year}-${parts.month}-${parts.day} ${time}`;
  }

  it.each([
    ['Europe/Paris', 'fr'],
    ['America/St_Johns', 'en'],
    ['Asia/Kathmandu', 'fr'],
    ['Pacific/Chatham', 'en'],
  ] as const)('writes what Intl writes in %s (%s), over a year of instants in order and at random', (timeZone, locale) => {
    const text = zonedText(timeZone, locale);
    const start = Date.UTC(2026, 0, 1);
    // In order, a few minutes apart (as a ledger is), crossing both changes of offset.
    for (let t = start; t < start + 366 * 86_400_000; t += 1_987_123) expect(text(new Date(t))).toBe(intlText(timeZone, locale, new Date(t)));
    let seed = 7;
    for (let n = 0; n < 1_000; n++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const t = new Date(start - 10 * 365 * 86_400_000 + (seed / 2 ** 31) * 20 * 365 * 86_400_000 + (n % 1000));
      expect(text(t)).toBe(intlText(timeZone, locale, t));
    }
  });
});
