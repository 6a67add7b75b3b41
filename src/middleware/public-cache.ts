// Public storefront reads: ETag on every response (If-None-Match → 304) and a short shared cache lifetime.
import type { MiddlewareHandler } from 'hono';
import { etag, RETAINED_304_HEADERS } from 'hono/etag';
import type { AppEnv } from '../lib/app-env';

/**
 * hono's etag answers 304 with a new response keeping only these headers: add ours (request id, CORS,
 * rate limit) so a revalidation looks like the 200 it stands for.
 */
export const RETAINED_HEADERS = [
  ...RETAINED_304_HEADERS,
  'x-request-id',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-expose-headers',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
];

export function publicCache(options: { maxAgeSeconds?: number } = {}): MiddlewareHandler<AppEnv> {
  const maxAge = options.maxAgeSeconds ?? 30;
  const withEtag = etag({ weak: true, retainedHeaders: RETAINED_HEADERS });
  return async function publicCache(c, next) {
    await withEtag(c, async () => {
      await next();
      if (
        c.req.method === 'GET' &&
        (c.res.status === 200 || c.res.status === 304) &&
        !c.res.headers.has('Cache-Control')
      ) {
        c.header('Cache-Control', `public, max-age=${maxAge}, stale-while-revalidate=${maxAge * 2}`);
        c.header('Vary', 'Host, Accept-Encoding');
      }
    });
  };
}
