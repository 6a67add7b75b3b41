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

/** The first entry of a comma-separated header (X-Forwarded-Host, X-Forwarded-For), as it is: no array built. */
export function firstListItem(value: string): string {
  const comma = value.indexOf(',');
  return comma < 0 ? value : value.slice(0, comma);
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
