// Client addresses: which X-Forwarded-For entry to believe, and which rate-limit bucket an address is in.
import ipaddr from 'ipaddr.js';
import { forwardedEntry } from './host';

/** Parses a canonical dotted-quad IPv4 address ("203.0.113.7") to 0..2³²−1; anything else is −1. */
export function parseIpv4(text: string): number {
  const length = text.length;
  if (length < 7 || length > 15) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (ch >= 48 && ch <= 57) {
      if (digits > 0 && part === 0) return -1; // a leading zero is not canonical
      part = part * 10 + (ch - 48);
      if (++digits > 3 || part > 255) return -1;
    } else {
      return -1;
    }
  }
  return dots === 3 && digits > 0 ? value * 256 + part : -1;
}

const parseIpv6 = (text: string) => (ipaddr.IPv6.isValid(text) ? ipaddr.IPv6.parse(text) : null);

/**
 * One X-Forwarded-For entry as proxies write it (`203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1`,
 * `[2001:db8::1]:4711`): the address without a port, or null when the entry is no address.
 */
export function forwardedAddress(entry: string): string | null {
  const text = entry.trim();
  if (parseIpv4(text) >= 0) return text;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    const inner = end > 0 ? text.slice(1, end) : '';
    const rest = text.slice(end + 1);
    return parseIpv6(inner) && (rest === '' || /^:\d{1,5}$/.test(rest)) ? inner : null;
  }
  const colon = text.indexOf(':');
  if (colon > 0 && text.indexOf(':', colon + 1) < 0) {
    const host = text.slice(0, colon);
    return parseIpv4(host) >= 0 && /^\d{1,5}$/.test(text.slice(colon + 1)) ? host : null;
  }
  return parseIpv6(text) ? text : null;
}

/**
 * The client's address from X-Forwarded-For behind `hops` trusted proxies: the entry the outermost of them
 * appended (forwardedEntry; entries further left were written by the client and are never believed), or
 * null when that entry is no address.
 */
export function forwardedClient(header: string, hops: number): string | null {
  return forwardedAddress(forwardedEntry(header, hops));
}

/**
 * The rate-limit bucket of a client address. IPv4 addresses are their own; an IPv4-mapped IPv6 address
 * (`::ffff:203.0.113.7`, as a dual-stack socket reports IPv4 clients) is its IPv4 address; any other IPv6
 * address counts as its /64, the block one subscriber is given, so a client cannot multiply its limit by
 * walking through its own addresses.
 */
export function addressBucket(address: string | null): string {
  if (address === null) return 'unknown';
  if (address.indexOf(':') < 0) return address;
  const v6 = parseIpv6(address);
  if (!v6) return 'unknown';
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  const [a, b, c, d] = v6.parts as [number, number, number, number];
  return `${a.toString(16)}:${b.toString(16)}:${c.toString(16)}:${d.toString(16)}::/64`;
}
