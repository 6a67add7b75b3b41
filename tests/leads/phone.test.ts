import { describe, expect, test } from 'bun:test';
import { normalizePhone, regionFromLocale } from '../../src/lib/phone';

describe('normalizePhone', () => {
  test('Indonesian mobile numbers in the usual spellings become +62…', () => {
    for (const input of [
      '0812-3456-7890',
      '081234567890',
      '62812 3456 7890',
      '6281234567890',
      '+62 812-3456-7890',
      '+62 (812) 3456 7890',
      '0062 812 3456 7890',
      ' 0812.3456.7890 ',
    ]) {
      expect({ input, out: normalizePhone(input) }).toEqual({ input, out: '+6281234567890' });
    }
  });

  test("other countries' + numbers are kept as theirs", () => {
    expect(normalizePhone('+1 (415) 555-2671')).toBe('+14155552671');
    expect(normalizePhone('+44 20 7946 0958')).toBe('+442079460958');
    expect(normalizePhone('+65 9123 4567')).toBe('+6591234567');
  });

  test('a different default region reads national numbers as that country', () => {
    expect(normalizePhone('012-345 6789', 'MY')).toBe('+60123456789');
  });

  test('anything that is not a valid phone number is null', () => {
    for (const input of [
      '',
      'abc',
      'call me',
      '0812',
      '12345',
      '+62 12',
      '0812-3456-7890 ext',
      '+99912345678',
      'x0812345678901',
    ]) {
      expect({ input, out: normalizePhone(input) }).toEqual({ input, out: null });
    }
  });

  test('region from locale', () => {
    expect(regionFromLocale('id-ID')).toBe('ID');
    expect(regionFromLocale('en-SG')).toBe('SG');
    expect(regionFromLocale('en')).toBe('ID');
    expect(regionFromLocale('xx-ZZ')).toBe('ID');
    expect(regionFromLocale(null)).toBe('ID');
  });
});
