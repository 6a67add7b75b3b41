// Public storefront reads: ETag on every response (If-None-Match → 304) and a short shared cache lifetime.
import type { MiddlewareHandler } from 'hono';
import { etag } from 'hono/etag';
import type { AppEnv } from '../lib/app-env';

export function publicCache(options: { maxAgeSeconds?: number } = {}): MiddlewareHandler<AppEnv> {
  const maxAge = options.maxAgeSeconds ?? 30;
  const withEtag = etag({ weak: true });
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
