// Conditional GET for the storefront's public answers: the route derives a weak ETag from what the answer
// depends on (no hashing of the body), If-None-Match is answered 304 before anything is rendered, and answers
// are kept encoded as Blobs (a Response takes a Blob's bytes by reference; a Uint8Array's it copies).
import type { Context } from 'hono';
import type { AppEnv } from './app-env';

export const PUBLIC_CACHE_CONTROL = 'public, max-age=30, stale-while-revalidate=60';

/**
 * Weak comparison (RFC 9110 §13.1.2): any listed tag equal to ours ignoring `W/`, or `*` — which matches
 * any current representation, so callers ask only once they know one exists.
 */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const ours = etag.slice(2);
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return (t.startsWith('W/') ? t.slice(2) : t) === ours;
  });
}

/** The validator and freshness headers every public answer (200 or 304) carries. */
export function publicCacheHeaders(c: Context<AppEnv>, etag: string): void {
  c.header('ETag', etag);
  c.header('Cache-Control', PUBLIC_CACHE_CONTROL);
  c.header('Vary', 'Host, Accept-Encoding');
}

/** FNV-1a (32 bit) in base 36: a short, stable tag for a text; a collision only costs a shared validator. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

/** An answer, encoded once. */
export const encodeJson = (value: unknown) => new Blob([JSON.stringify(value)]);

export const sendJson = (c: Context<AppEnv>, body: Blob) =>
  c.body(body, 200, { 'Content-Type': 'application/json; charset=utf-8' });
