// Tenants may point an integration at their own base URL; without this guard that is a server-side
// request forgery hole (cloud metadata, the database, internal admin ports).
import { lookup } from 'node:dns/promises';

export type UnsafeUrlReason =
  | 'invalid_url'
  | 'unsupported_protocol'
  | 'credentials_in_url'
  | 'blocked_address'
  | 'unresolvable';

export class UnsafeUrlError extends Error {
  constructor(
    readonly reason: UnsafeUrlReason,
    message: string,
  ) {
    super(message);
    this.name = 'UnsafeUrlError';
  }
}

/** Returns every address a hostname resolves to. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((r) => r.address);

export type AddressClass = 'public' | 'loopback' | 'private' | 'link_local' | 'unspecified' | 'multicast' | 'reserved';

/** Classes `allowPrivate` lets through (development against local fakes). Link-local stays blocked: it holds cloud metadata. */
const PRIVATE_CLASSES: ReadonlySet<AddressClass> = new Set(['loopback', 'private']);

function parseIPv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** Eight 16-bit groups, or null. Accepts `::` compression, an embedded dotted IPv4 tail and a zone id. */
function parseIPv6(text: string): number[] | null {
  let s = text.replace(/^\[|\]$/g, '');
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(':')) return null;

  // Rewrite a dotted IPv4 tail (::ffff:1.2.3.4) as two hex groups so one parser handles the rest.
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIPv4(tail);
    if (!v4) return null;
    const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
    s = `${s.slice(0, lastColon + 1)}${hex(v4[0]!, v4[1]!)}:${hex(v4[2]!, v4[3]!)}`;
  }

  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  const fill = 8 - head.length - rest.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return null;
  return [...head, ...new Array<string>(fill).fill('0'), ...rest].map((g) => Number.parseInt(g, 16));
}

function classifyIPv4([a, b, c]: number[]): AddressClass {
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10) return 'private';
  if (a === 172 && b! >= 16 && b! <= 31) return 'private';
  if (a === 192 && b === 168) return 'private';
  if (a === 100 && b! >= 64 && b! <= 127) return 'private';
  if (a === 169 && b === 254) return 'link_local';
  if (a === 192 && b === 0 && c === 0) return 'reserved';
  if (a === 198 && (b === 18 || b === 19)) return 'reserved';
  if (a! >= 224 && a! <= 239) return 'multicast';
  if (a! >= 240) return 'reserved';
  return 'public';
}

function classifyIPv6(g: number[]): AddressClass {
  const embedded = (hi: number, lo: number) => classifyIPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (g.every((x) => x === 0)) return 'unspecified';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback';
  // IPv4-mapped ::ffff:a.b.c.d and the deprecated IPv4-compatible ::a.b.c.d reach IPv4 hosts.
  if (zeroUpTo(5) && g[5] === 0xffff) return embedded(g[6]!, g[7]!);
  if (zeroUpTo(6)) return embedded(g[6]!, g[7]!);
  // NAT64 64:ff9b::/96 and 6to4 2002::/16 embed an IPv4 address too.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return embedded(g[6]!, g[7]!);
  if (g[0] === 0x2002) return embedded(g[1]!, g[2]!);
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return 'private';
  if ((first & 0xffc0) === 0xfe80) return 'link_local';
  if ((first & 0xffc0) === 0xfec0) return 'private';
  if ((first & 0xff00) === 0xff00) return 'multicast';
  return 'public';
}

/** Classifies a literal IP address; null when the text is not one. */
export function classifyAddress(address: string): AddressClass | null {
  const v4 = parseIPv4(address);
  if (v4) return classifyIPv4(v4);
  const v6 = parseIPv6(address);
  return v6 ? classifyIPv6(v6) : null;
}

export type SafeUrlOptions = {
  /** Let loopback and private networks through (ALLOW_PRIVATE_INTEGRATION_URLS, development only). */
  allowPrivate?: boolean;
  /** DNS resolution; tests inject a table. */
  resolve?: HostResolver;
  /** Gives up on slow DNS; default 5 s. */
  resolveTimeoutMs?: number;
};

function blocked(host: string, cls: AddressClass, via?: string): UnsafeUrlError {
  const label = cls.replace('_', '-');
  const where = via ? `"${host}" resolves to ${via}, a ${label} address` : `"${host}" is a ${label} address`;
  return new UnsafeUrlError('blocked_address', `Base URL not allowed: ${where}`);
}

function check(cls: AddressClass, allowPrivate: boolean): boolean {
  return cls === 'public' || (allowPrivate && PRIVATE_CLASSES.has(cls));
}

/**
 * Validates a tenant-supplied base URL and returns it parsed. Only http(s), no credentials, and
 * neither the literal host nor any address its name resolves to may be non-public. The check runs
 * when the URL is saved and before each test call; DNS can change in between (rebinding), so
 * provider clients should also be given short timeouts and no redirects to follow blindly.
 */
export async function assertSafeBaseUrl(raw: string, options: SafeUrlOptions = {}): Promise<URL> {
  const allowPrivate = options.allowPrivate ?? false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError('invalid_url', 'Base URL is not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UnsafeUrlError(
      'unsupported_protocol',
      `Base URL must use http or https, not ${url.protocol.slice(0, -1)}`,
    );
  }
  if (url.username || url.password) {
    throw new UnsafeUrlError('credentials_in_url', 'Base URL must not contain a username or password');
  }

  // The WHATWG parser already turns decimal/hex/octal IPv4 tricks (2130706433, 0x7f.1) into dotted form.
  const host = url.hostname.replace(/\.+$/, '').toLowerCase();
  if (host === '') throw new UnsafeUrlError('invalid_url', 'Base URL has no host');

  const literal = classifyAddress(host);
  if (literal) {
    if (!check(literal, allowPrivate)) throw blocked(host, literal);
    return url;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) {
    if (!allowPrivate) throw blocked(host, 'loopback');
    return url;
  }

  const resolve = options.resolve ?? systemResolver;
  let addresses: string[];
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    addresses = await Promise.race([
      resolve(host),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), options.resolveTimeoutMs ?? 5000);
      }),
    ]);
  } catch {
    throw new UnsafeUrlError('unresolvable', `Base URL host "${host}" could not be resolved`);
  } finally {
    clearTimeout(timer);
  }
  if (addresses.length === 0) {
    throw new UnsafeUrlError('unresolvable', `Base URL host "${host}" could not be resolved`);
  }
  for (const address of addresses) {
    const cls = classifyAddress(address);
    if (!cls) throw new UnsafeUrlError('unresolvable', `Base URL host "${host}" resolved to an unreadable address`);
    if (!check(cls, allowPrivate)) throw blocked(host, cls, address);
  }
  return url;
}
