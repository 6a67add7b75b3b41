// Calendar days in a tenant's time zone: date filters (`from=2026-03-01`) mean that day where the
// dealership is, not in UTC. Intl does the zone arithmetic, so DST zones work as well as Asia/Jakarta.
import { z } from 'zod';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The years a date filter may name: the zone arithmetic below (a day after, a day before) stays in range. */
const FIRST_YEAR = 1900;
const LAST_YEAR = 9998;

/**
 * A `from`/`to` filter: a date (YYYY-MM-DD, a day in the tenant time zone) or an ISO date-time with an
 * offset, in the years 1900–9998 (`9999-12-31` as "no end" is refused by name rather than overflowing).
 */
export const dateFilter = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).refine((value) => {
  const year = Number(value.slice(0, 4));
  return year >= FIRST_YEAR && year <= LAST_YEAR;
}, `A date in the years ${FIRST_YEAR}–${LAST_YEAR}`);

export const isDateOnly = (value: string) => DATE_ONLY.test(value);

/** The calendar date (YYYY-MM-DD) of an instant in `timeZone`. */
export function zonedDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    instant,
  );
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, in ms. */
function offsetMs(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The instant a local date begins in `timeZone` (`2026-03-01`, Asia/Jakarta → 2026-02-28T17:00:00Z). */
export function startOfZonedDay(date: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(y, m - 1, d);
  const first = midnightUtc - offsetMs(midnightUtc, timeZone);
  // Across a DST change the offset at the guess and at the answer differ: take the answer's.
  const second = midnightUtc - offsetMs(first, timeZone);
  return new Date(second);
}

/** `date` plus `days` calendar days (negative goes back). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * A `from`/`to` filter value (a date or an ISO date-time) as an instant: a date's `from` is the start of
 * that day in `timeZone`, its `to` the start of the next day, so `to` covers the whole day.
 */
export function rangeBound(value: string, bound: 'from' | 'to', timeZone: string): Date {
  if (!isDateOnly(value)) return new Date(value);
  return startOfZonedDay(bound === 'from' ? value : addDays(value, 1), timeZone);
}
