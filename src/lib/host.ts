// Host header normalisation per CONTRACT §2: lower-case, port and trailing dot dropped.
export function normalizeHost(raw: string | undefined | null): string | null {
  if (!raw) return null;
  let host = raw.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    host = end > 0 ? host.slice(1, end) : host;
  } else {
    const colon = host.indexOf(':');
    if (colon >= 0 && host.indexOf(':', colon + 1) < 0) host = host.slice(0, colon);
  }
  while (host.endsWith('.')) host = host.slice(0, -1);
  if (!host || host.length > 253 || !/^[a-z0-9.\-:_]+$/.test(host)) return null;
  return host;
}

/**
 * The entry of a forwarded list (X-Forwarded-Host, X-Forwarded-For) written by the outermost of `hops`
 * trusted proxies, as it is (untrimmed, no array built): each proxy appends what it saw, so that is the
 * `hops`-th entry from the right, or the leftmost when there are fewer. Entries further left came from the
 * client and are never believed (a client-chosen X-Forwarded-Host would let it poison a cache keyed by Host).
 */
export function forwardedEntry(value: string, hops: number): string {
  let end = value.length;
  let start = value.lastIndexOf(',', end - 1) + 1;
  for (let hop = 1; hop < hops && start > 0; hop++) {
    end = start - 1;
    start = end > 0 ? value.lastIndexOf(',', end - 1) + 1 : 0;
  }
  return value.slice(start, end);
}

/** `acme.localhost` with base `localhost` → `acme`; anything else (base itself, deeper names) → null. */
export function subdomainSlug(host: string, baseDomain: string): string | null {
  const suffix = `.${baseDomain}`;
  if (!host.endsWith(suffix)) return null;
  const label = host.slice(0, -suffix.length);
  if (!label || label.includes('.')) return null;
  return label;
}

/** Origin given to requests that arrive without a usable one; `.invalid` never resolves (RFC 6761). */
export const PLACEHOLDER_ORIGIN = 'http://no-host.invalid';

/**
 * Bun gives a request whose Host header is empty or malformed a relative URL (`/api/tenant`), which
 * hono's router misreads (as `/tenant`). Such a request gets a placeholder origin; its Host header is
 * untouched, still resolves no tenant, so tenant routes answer 404 tenant_not_found.
 */
export function withAbsoluteUrl(request: Request): Request {
  return request.url.startsWith('/') ? new Request(`${PLACEHOLDER_ORIGIN}${request.url}`, request) : request;
}
