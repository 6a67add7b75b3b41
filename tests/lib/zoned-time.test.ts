import { describe, expect, test } from 'bun:test';
import { addDays, rangeBound, startOfZonedDay, zonedDate } from '../../src/lib/zoned-time';

describe('zoned time', () => {
  test('a local day starts at local midnight, DST zones included', () => {
    expect(startOfZonedDay('2026-03-01', 'Asia/Jakarta').toISOString()).toBe('2026-02-28T17:00:00.000Z');
    expect(startOfZonedDay('2026-03-01', 'UTC').toISOString()).toBe('2026-03-01T00:00:00.000Z');
    // New York springs forward on 2026-03-08; the day still starts at 00:00 EST.
    expect(startOfZonedDay('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(startOfZonedDay('2026-03-09', 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
  });

  test('dates of instants, day arithmetic and range bounds', () => {
    expect(zonedDate(new Date('2026-03-01T23:30:00Z'), 'Asia/Jakarta')).toBe('2026-03-02');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-03-01', -29)).toBe('2026-01-31');
    expect(rangeBound('2026-03-01', 'to', 'Asia/Jakarta').toISOString()).toBe('2026-03-01T17:00:00.000Z');
    expect(rangeBound('2026-03-01T05:00:00+07:00', 'to', 'Asia/Jakarta').toISOString()).toBe(
      '2026-02-28T22:00:00.000Z',
    );
  });
});
