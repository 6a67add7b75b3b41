// The lead phone rule: Indonesian formats become +62…, foreign E.164 numbers are kept, the rest is null.
import { describe, expect, test } from 'bun:test';
import { isValidPhone, normalizePhone, toWhatsAppNumber } from '../../src/lib/phone';

describe('normalizePhone: Indonesian numbers', () => {
  const cases: [string, string][] = [
    ['0812-3456-7890', '+6281234567890'],
    ['081234567890', '+6281234567890'],
    ['6281234567890', '+6281234567890'],
    ['+6281234567890', '+6281234567890'],
    ['+62 812 3456 7890', '+6281234567890'],
    ['+62 812-3456-7890', '+6281234567890'],
    ['62 812 3456 7890', '+6281234567890'],
    ['(0812) 3456 7890', '+6281234567890'],
    ['0812.3456.7890', '+6281234567890'],
    ['  0812 3456 7890  ', '+6281234567890'],
    ['08123456789', '+628123456789'],
    ['628123456789', '+628123456789'],
    ['8123456789', '+628123456789'],
    ['0857-1234-5678', '+6285712345678'],
    ['0896 1234 5678', '+6289612345678'],
    ['0062 812 3456 7890', '+6281234567890'],
    ['021-5551234', '+62215551234'],
    ['+62 21 5551234', '+62215551234'],
    // Starts with 62 *and* reads as a valid national number: the country-code reading wins.
    ['6221 5551234', '+62215551234'],
  ];
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} → ${expected}`, () => {
      expect(normalizePhone(input)).toBe(expected);
    });
  }
});

describe('normalizePhone: other countries', () => {
  const cases: [string, string][] = [
    ['+1 415 555 2671', '+14155552671'],
    ['+14155552671', '+14155552671'],
    ['+44 7911 123456', '+447911123456'],
    ['+65 9123 4567', '+6591234567'],
    ['+60 12-345 6789', '+60123456789'],
    ['0044 7911 123456', '+447911123456'],
  ];
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} → ${expected}`, () => {
      expect(normalizePhone(input)).toBe(expected);
    });
  }

  test('another default region reads national numbers in that region', () => {
    expect(normalizePhone('07911 123456', 'GB')).toBe('+447911123456');
    expect(normalizePhone('447911123456', 'GB')).toBe('+447911123456');
    expect(normalizePhone('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(normalizePhone('+6281234567890', 'US')).toBe('+6281234567890');
  });
});

describe('normalizePhone: not phone numbers', () => {
  const rejects: unknown[] = [
    '',
    '   ',
    '12345',
    '0812',
    '62812',
    '+62812',
    '+62 000 0000 0000',
    '+1 000 000 0000',
    '+999 1234 5678',
    'abc',
    '0812-3456-7890 ext 12',
    '0812-3456-78x0',
    'call me: 081234567890',
    '+62+81234567890',
    '081234567890123456789',
    '0'.repeat(40),
    '+',
    '++6281234567890',
    '😀081234567890',
    null,
    undefined,
    6281234567890,
    { phone: '081234567890' },
  ];
  for (const input of rejects) {
    test(`${JSON.stringify(input) ?? String(input)} → null`, () => {
      expect(normalizePhone(input)).toBeNull();
      expect(isValidPhone(input)).toBe(false);
    });
  }
});

test('normalising is idempotent', () => {
  for (const input of ['0812-3456-7890', '+44 7911 123456', '021-5551234']) {
    const once = normalizePhone(input)!;
    expect(normalizePhone(once)).toBe(once);
  }
});

test('toWhatsAppNumber drops the plus for Fonnte targets', () => {
  expect(toWhatsAppNumber('+6281234567890')).toBe('6281234567890');
});
