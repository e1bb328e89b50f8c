import { zoneOffsetMs } from '../../domain/time-zone.ts';
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const HAS_OFFSET = /(Z|[+-]\d{2}:\d{2})$/;
const DAY = 86_400_000;

/**
 * The instant a date-time names. With an offset ("…+01:00", "…Z") it is exact; without one
 * ("2026-12-01T18:00") it is a wall-clock time in `timeZone`. Around a DST change it resolves
 * like Temporal's "compatible" choice: a time that occurs twice (autumn) is the earlier one; a
 * time skipped (spring) is moved forward by the gap (02:30 becomes 03:30).
 */
export function instantFrom(input: string, timeZone: string): Date {
  if (HAS_OFFSET.test(input)) {
    const date = new Date(input);
    if (Number.isNaN(date.getTime())) throw new RangeError(`not a date-time: ${input}`);
    return date;
  }
  const m = LOCAL.exec(input);
  if (!m) throw new RangeError(`not a date-time: ${input}`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((p) => Number(p ?? 0)) as [number, number, number, number, number, number];
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);

  // At most one offset change within a day either side: the two offsets around it are the only candidates.
  const before = zoneOffsetMs(wall - DAY, timeZone);
  const after = zoneOffsetMs(wall + DAY, timeZone);
  const valid = [before, after].filter((offset) => zoneOffsetMs(wall - offset, timeZone) === offset).map((offset) => wall - offset);
  if (valid.length > 0) return new Date(Math.min(...valid));
  // A skipped time: read it with the offset in force before the gap, which lands after it.
  return new Date(wall - before);
}
