// SSRF guard: literal addresses, encoding tricks and hostnames resolving inward are refused.
import { describe, expect, test } from 'bun:test';
import {
  assertSafeBaseUrl,
  classifyAddress,
  type HostResolver,
  UnsafeUrlError,
  type UnsafeUrlReason,
} from '../../src/integrations/url-guard';

const table: Record<string, string[]> = {
  'api.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'internal.example.com': ['10.0.0.5'],
  'mixed.example.com': ['93.184.216.34', '127.0.0.1'],
  'metadata.example.com': ['169.254.169.254'],
  'mapped.example.com': ['::ffff:192.168.1.1'],
  'ula.example.com': ['fd12:3456::1'],
};
const resolve: HostResolver = async (host) => {
  const hit = table[host];
  if (!hit) throw new Error('ENOTFOUND');
  return hit;
};

async function reason(url: string, allowPrivate = false): Promise<UnsafeUrlReason | 'ok'> {
  try {
    await assertSafeBaseUrl(url, { resolve, allowPrivate });
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(UnsafeUrlError);
    return (err as UnsafeUrlError).reason;
  }
}

describe('classifyAddress', () => {
  const cases: [string, ReturnType<typeof classifyAddress>][] = [
    ['8.8.8.8', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['172.15.0.1', 'public'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['100.128.0.1', 'public'],
    ['169.254.169.254', 'link_local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fc00::1', 'private'],
    ['fd00:ec2::254', 'private'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf::1', 'link_local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link_local'],
    ['::ffff:8.8.8.8', 'public'],
    ['::10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link_local'],
    ['2002:7f00:1::', 'loopback'],
    ['2606:4700:4700::1111', 'public'],
    ['1:2:3:4:5:6:7::', 'public'],
    ['[::1]', 'loopback'],
    ['example.com', null],
    ['1.2.3', null],
    ['1.2.3.256', null],
    ['1:2:3:4:5:6:7:8:9', null],
    ['1::2::3', null],
    ['::ffff:1.2.3', null],
    ['gggg::1', null],
  ];
  for (const [address, expected] of cases) {
    test(`${address} → ${expected}`, () => expect(classifyAddress(address)).toBe(expected));
  }
});

describe('assertSafeBaseUrl', () => {
  test('accepts public http(s) URLs and returns them parsed', async () => {
    const url = await assertSafeBaseUrl('https://api.example.com/v1', { resolve });
    expect(url.href).toBe('https://api.example.com/v1');
    expect(await reason('http://93.184.216.34:8080/')).toBe('ok');
    expect(await reason('https://[2606:4700:4700::1111]/')).toBe('ok');
  });

  test('refuses other protocols, garbage and credentials', async () => {
    expect(await reason('ftp://api.example.com/')).toBe('unsupported_protocol');
    expect(await reason('file:///etc/passwd')).toBe('unsupported_protocol');
    expect(await reason('javascript:alert(1)')).toBe('unsupported_protocol');
    expect(await reason('gopher://127.0.0.1:6379/')).toBe('unsupported_protocol');
    expect(await reason('not a url')).toBe('invalid_url');
    expect(await reason('/relative/path')).toBe('invalid_url');
    expect(await reason('https://user:pw@api.example.com/')).toBe('credentials_in_url');
  });

  const blockedLiterals = [
    'http://127.0.0.1/',
    'http://127.0.0.1:5432/',
    'http://localhost:3000/',
    'http://LOCALHOST./',
    'http://tenant.localhost/',
    'http://10.0.0.1/',
    'http://172.20.1.1/',
    'http://192.168.1.1/',
    'http://100.64.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://169.254.169.254./',
    'http://0.0.0.0/',
    'http://0/',
    'http://[::1]/',
    'http://[::]/',
    'http://[fc00::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    // Decimal, hex, octal and short forms that the URL parser expands to 127.0.0.1 / 169.254.169.254.
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0x7f.1/',
    'http://017700000001/',
    'http://127.1/',
    'http://2852039166/',
    'http://%31%32%37.0.0.1/',
  ];
  for (const url of blockedLiterals) {
    test(`refuses ${url}`, async () => expect(await reason(url)).toBe('blocked_address'));
  }

  test('refuses hostnames that resolve to any non-public address', async () => {
    expect(await reason('https://internal.example.com/')).toBe('blocked_address');
    expect(await reason('https://mixed.example.com/')).toBe('blocked_address');
    expect(await reason('https://metadata.example.com/')).toBe('blocked_address');
    expect(await reason('https://mapped.example.com/')).toBe('blocked_address');
    expect(await reason('https://ula.example.com/')).toBe('blocked_address');
  });

  test('the error message names the host and the address class', async () => {
    const err = await assertSafeBaseUrl('https://metadata.example.com/', { resolve }).catch((e) => e);
    expect(err.message).toBe(
      'Base URL not allowed: "metadata.example.com" resolves to 169.254.169.254, a link-local address',
    );
  });

  test('unresolvable hosts and slow DNS are refused', async () => {
    expect(await reason('https://nope.example.com/')).toBe('unresolvable');
    const slow: HostResolver = () => new Promise((r) => setTimeout(() => r(['8.8.8.8']), 200));
    const err = await assertSafeBaseUrl('https://slow.example.com/', {
      resolve: slow,
      resolveTimeoutMs: 20,
    }).catch((e) => e);
    expect(err.reason).toBe('unresolvable');
    const empty: HostResolver = async () => [];
    expect((await assertSafeBaseUrl('https://e.example.com/', { resolve: empty }).catch((e) => e)).reason).toBe(
      'unresolvable',
    );
  });

  test('allowPrivate lets loopback and private networks through, never link-local or unspecified', async () => {
    expect(await reason('http://127.0.0.1:4010/', true)).toBe('ok');
    expect(await reason('http://localhost:4010/', true)).toBe('ok');
    expect(await reason('http://[::1]:4010/', true)).toBe('ok');
    expect(await reason('https://internal.example.com/', true)).toBe('ok');
    expect(await reason('http://169.254.169.254/', true)).toBe('blocked_address');
    expect(await reason('https://metadata.example.com/', true)).toBe('blocked_address');
    expect(await reason('http://0.0.0.0/', true)).toBe('blocked_address');
  });

  test('the system resolver is used by default (localhost literal needs no DNS)', async () => {
    expect((await assertSafeBaseUrl('http://127.0.0.1/').catch((e) => e)).reason).toBe('blocked_address');
  });
});
