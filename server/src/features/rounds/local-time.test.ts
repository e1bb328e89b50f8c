import { describe, expect, it } from 'vitest';
import { instantFrom } from './local-time.ts';

const paris = (input: string) => instantFrom(input, 'Europe/Paris').toISOString();

describe('instantFrom', () => {
  it('keeps a date-time that carries an offset as it is, whatever the zone', () => {
    expect(paris('2026-12-01T18:00:00+05:30')).toBe('2026-12-01T12:30:00.000Z');
    expect(paris('2026-12-01T18:00:00Z')).toBe('2026-12-01T18:00:00.000Z');
  });

  it('reads a local time in winter as UTC+1 in Paris', () => {
    expect(paris('2026-12-01T18:00')).toBe('2026-12-01T17:00:00.000Z');
  });

  it('reads a local time in summer as UTC+2 in Paris', () => {
    expect(paris('2026-07-14T10:00:00')).toBe('2026-07-14T08:00:00.000Z');
  });

  it('uses the right offset on each side of the spring change (29 March 2026, 02:00 → 03:00)', () => {
    expect(paris('2026-03-29T01:59')).toBe('2026-03-29T00:59:00.000Z');
    expect(paris('2026-03-29T03:00')).toBe('2026-03-29T01:00:00.000Z');
  });

  it('moves a time skipped in spring forward by the gap', () => {
    expect(paris('2026-03-29T02:30')).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
  });

  it('takes the earlier of a time that occurs twice in autumn (25 October 2026)', () => {
    expect(paris('2026-10-25T02:30')).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST, not CET
    expect(paris('2026-10-25T03:00')).toBe('2026-10-25T02:00:00.000Z');
    expect(paris('2026-10-25T01:59')).toBe('2026-10-24T23:59:00.000Z');
  });

  it('keeps seconds and milliseconds', () => {
    expect(paris('2026-12-01T18:00:05.25')).toBe('2026-12-01T17:00:05.250Z');
  });

  it('works in zones west of UTC and in UTC itself', () => {
    expect(instantFrom('2026-11-01T01:30', 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(instantFrom('2026-03-08T02:30', 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(instantFrom('2026-12-01T18:00', 'UTC').toISOString()).toBe('2026-12-01T18:00:00.000Z');
  });

  it('works in a zone with a half-hour offset', () => {
    expect(instantFrom('2026-12-01T18:00', 'Asia/Kolkata').toISOString()).toBe('2026-12-01T12:30:00.000Z');
  });
});
