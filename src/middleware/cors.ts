// CORS: an origin is allowed when it is one of the request tenant's own hosts or explicitly configured.
// Never `*`, so credentials and admin routes stay safe.
import type { MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';
import type { AppEnv } from '../lib/app-env';
import { normalizeHost } from '../lib/host';
import { requestHost } from './tenant';

export function cors(options: { origins: string[]; trustProxy: boolean }): MiddlewareHandler<AppEnv> {
  const configured = new Set(options.origins.map((o) => o.replace(/\/$/, '').toLowerCase()));
  const handler = honoCors({
    origin: async (origin, c) => {
      if (!origin) return null;
      const normalized = origin.replace(/\/$/, '').toLowerCase();
      if (configured.has(normalized)) return origin;
      let originHost: string | null;
      try {
        originHost = normalizeHost(new URL(origin).host);
      } catch {
        return null;
      }
      const host = requestHost(c, options.trustProxy);
      if (!originHost || !host) return null;
      if (originHost === host) return origin;
      const tenants = (c.get('deps') as AppEnv['Variables']['deps']).tenants;
      const [a, b] = await Promise.all([tenants.resolve(originHost), tenants.resolve(host)]);
      return a && b && a.id === b.id ? origin : null;
    },
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'X-Request-Id'],
    exposeHeaders: ['ETag', 'X-Request-Id', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After'],
    maxAge: 600,
    credentials: true,
  });
  return async function cors(c, next) {
    return handler(c, next);
  };
}
