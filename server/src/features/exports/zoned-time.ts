import { zoneOffsetMs } from '../../domain/time-zone.ts';

const SLOT_MS = 15 * 60_000;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** How far ahead of UTC the zone's wall clock is at `instant`, in whole minutes. */
const offsetMinutes = (timeZone: string, instant: number) => Math.round(zoneOffsetMs(instant, timeZone) / 60_000);

/**
 * The zone's offset at an instant, in minutes. Exports format up to millions of rows, and Intl
 * is the slow part, so the offset is remembered per 15-minute slot of UTC time: offsets change
 * only at such instants (every zone's offset is a multiple of 15 minutes), and a slot whose two
 * ends disagree — only in old history — is never remembered.
 */
function offsets(timeZone: string): (instant: number) => number {
  let slot = Number.NaN;
  let slotOffset = 0;

  function offsetAt(instant: number): number {
    const current = Math.floor(instant / SLOT_MS);
    if (current === slot) return slotOffset;
    const start = offsetMinutes(timeZone, current * SLOT_MS);
    const end = offsetMinutes(timeZone, (current + 1) * SLOT_MS - 1);
    if (start !== end) return offsetMinutes(timeZone, instant);
    slot = current;
    slotOffset = start;
    return start;
  }
  return offsetAt;
}

/**
 * The wall clock of a time zone at an instant, as a Date whose UTC fields are that wall clock
 * (what a spreadsheet date cell holds: a date and time with no zone). Seconds, no fraction.
 */
export function zonedWallClock(timeZone: string): (date: Date) => Date {
  const offsetAt = offsets(timeZone);
  return (date: Date) => {
    const instant = Math.floor(date.getTime() / 1000) * 1000;
    return new Date(instant + offsetAt(instant) * 60_000);
  };
}

const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => pad(n));

/**
 * The wall clock of a time zone as the date-time text a spreadsheet of that locale reads as a
 * date: French `24/11/2026 10:15:00` (day first), English `2026-11-24 10:15:00` (ISO order,
 * which every spreadsheet reads and which sorts as text too). A ledger has a row per second or
 * so: the date part is written once per local day, the time part from the seconds of the day,
 * with no Date made per row.
 */
export function zonedText(timeZone: string, locale: 'fr' | 'en'): (date: Date) => string {
  const text = zonedSecondsText(timeZone, locale);
  return (date: Date) => text(Math.floor(date.getTime() / 1000));
}

/** `zonedText` of an instant given in whole seconds since the epoch (the ledger export reads them so). */
export function zonedSecondsText(timeZone: string, locale: 'fr' | 'en'): (epochSeconds: number) => string {
  const offsetAt = offsets(timeZone);
  let cachedDay = Number.NaN;
  let cachedDate = '';
  return (epochSeconds: number) => {
    const instant = epochSeconds * 1000;
    const local = instant + offsetAt(instant) * 60_000;
    const day = Math.floor(local / DAY_MS);
    if (day !== cachedDay) {
      const w = new Date(day * DAY_MS);
      const dd = pad(w.getUTCDate());
      const mm = pad(w.getUTCMonth() + 1);
      const yyyy = pad(w.getUTCFullYear(), 4);
      cachedDay = day;
      cachedDate = locale === 'fr' ? `${dd}/${mm}/${yyyy}` : `${yyyy}-${mm}-${dd}`;
    }
    const seconds = (local - day * DAY_MS) / 1000;
    const h = Math.floor(seconds / 3600);
    const m = Math.floor(seconds / 60) % 60;
    return `${cachedDate} ${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[seconds % 60]}`;
  };
}

/**
 * A formatter of instants as ISO 8601 in a time zone, with its offset at that instant:
 * `zonedIso('Europe/Paris')(new Date('2026-11-24T09:15:00Z'))` → "2026-11-24T10:15:00+01:00".
 * Seconds, no fraction.
 */
export function zonedIso(timeZone: string): (date: Date) => string {
  const offsetAt = offsets(timeZone);
  return (date: Date) => {
    const instant = date.getTime();
    const offset = offsetAt(instant);
    const wall = new Date(instant + offset * 60_000);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    return (
      `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}` +
      `T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}` +
      `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
    );
  };
}
