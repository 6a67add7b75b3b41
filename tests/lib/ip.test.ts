// Client addresses: which forwarded entry is believed, and the rate-limit bucket an address falls in.
import { describe, expect, test } from 'bun:test';
import { addressBucket, forwardedAddress, forwardedClient } from '../../src/lib/ip';

describe('forwardedAddress', () => {
  test('addresses with or without a port, IPv6 with or without brackets', () => {
    expect(forwardedAddress(' 203.0.113.7 ')).toBe('203.0.113.7');
    expect(forwardedAddress('203.0.113.7:4711')).toBe('203.0.113.7');
    expect(forwardedAddress('2001:db8::1')).toBe('2001:db8::1');
    expect(forwardedAddress('[2001:db8::1]')).toBe('2001:db8::1');
    expect(forwardedAddress('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(forwardedAddress('::ffff:203.0.113.7')).toBe('::ffff:203.0.113.7');
  });

  test('anything else is no address', () => {
    for (const bad of [
      '',
      'unknown',
      'u:someone',
      '203.0.113',
      '203.0.113.256',
      '010.0.0.1',
      '203.0.113.7:x',
      '203.0.113.7:123456',
      '[2001:db8::1',
      '[2001:db8::1]x',
      '2001:db8::g',
      'x'.repeat(5000),
      '1.2.3.4 5.6.7.8',
    ]) {
      expect({ bad, got: forwardedAddress(bad) }).toEqual({ bad, got: null });
    }
  });
});

describe('forwardedClient', () => {
  test('the entry the outermost trusted proxy appended, never one before it', () => {
    expect(forwardedClient('203.0.113.7', 1)).toBe('203.0.113.7');
    expect(forwardedClient('6.6.6.6, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(forwardedClient('6.6.6.6, 203.0.113.7, 10.0.0.2', 2)).toBe('203.0.113.7');
    expect(forwardedClient('203.0.113.7, 10.0.0.2', 5)).toBe('203.0.113.7');
    expect(forwardedClient('203.0.113.7, garbage', 1)).toBeNull();
  });
});

describe('addressBucket', () => {
  test('IPv4 is its own bucket; IPv4-mapped IPv6 is its IPv4 address; unknown is one bucket', () => {
    expect(addressBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('::FFFF:cb00:7107')).toBe('203.0.113.7');
    expect(addressBucket(null)).toBe('unknown');
  });

  test('IPv6 counts per /64, whatever the spelling', () => {
    const bucket = addressBucket('2001:db8:a:b::1');
    expect(bucket).toBe('2001:db8:a:b::/64');
    for (const same of ['2001:0DB8:000a:000b:ffff:ffff:ffff:ffff', '2001:db8:a:b:1:2:3:4']) {
      expect(addressBucket(same)).toBe(bucket);
    }
    expect(addressBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressBucket('2001:db8:a:c::1')).not.toBe(bucket);
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
  });
});
