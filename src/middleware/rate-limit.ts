// Token-bucket rate limiting per route group (src/lib/rate-limit/config.ts). Every limited response
// carries RateLimit-Limit/-Remaining/-Reset; a refused one is 429 rate_limited with Retry-After.
import type { Context, MiddlewareHandler } from 'hono';
import { bearerClaims } from '../auth/bearer';
import type { AppEnv } from '../lib/app-env';
import { AppError } from '../lib/errors';
import { RATE_LIMIT_GROUPS, type RateLimitGroup } from '../lib/rate-limit/config';
import type { RateLimitDecision } from '../lib/rate-limit/store';
import { clientIp } from '../lib/request-meta';

export type RateLimitKey = (c: Context<AppEnv>) => string | Promise<string>;

export type RateLimitOptions = {
  group: RateLimitGroup;
  /** The bucket within the group; the group name is prefixed. */
  key: RateLimitKey;
  /** Only these methods count (default: all). */
  methods?: readonly string[];
};

const ip = (c: Context<AppEnv>) => clientIp(c) ?? 'unknown';

/** Per client IP within the host's tenant (storefront reads, inquiries, sign-in). */
export const byIpAndTenant: RateLimitKey = (c) => `${c.var.tenant.id}:${ip(c)}`;

/** Per user for a valid access token of this tenant, otherwise per client IP. */
export const byUserOrIp: RateLimitKey = async (c) => {
  const claims = await bearerClaims(c);
  return claims && claims.tid === c.var.tenant.id ? `u:${claims.sub}` : `ip:${c.var.tenant.id}:${ip(c)}`;
};

/** Per provider (the path segment after /webhook/) and sender IP: webhooks may run before a tenant is known. */
export const byProviderAndIp: RateLimitKey = (c) => {
  const provider = /^\/webhook\/([a-z0-9-]{1,32})/i.exec(c.req.path)?.[1]?.toLowerCase() ?? '-';
  return `${provider}:${ip(c)}`;
};

/** When two groups limit one route (sign-in is also an admin route), the tighter one is reported. */
function setHeaders(c: Context<AppEnv>, d: RateLimitDecision) {
  const current = c.res.headers.get('RateLimit-Remaining');
  if (current !== null && Number(current) <= d.remaining) return;
  try {
    c.res.headers.set('RateLimit-Limit', String(d.limit));
  } catch {
    c.res = new Response(c.res.body, c.res); // immutable headers (a proxied Response): copy once
    c.res.headers.set('RateLimit-Limit', String(d.limit));
  }
  c.res.headers.set('RateLimit-Remaining', String(d.remaining));
  c.res.headers.set('RateLimit-Reset', String(d.resetSeconds));
}

export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  if (!RATE_LIMIT_GROUPS.includes(options?.group)) throw new Error(`rateLimit: unknown group ${options?.group}`);
  if (typeof options.key !== 'function') throw new Error('rateLimit: key must be a function');
  const { group, key } = options;
  const methods = options.methods ? new Set(options.methods.map((m) => m.toUpperCase())) : undefined;
  return async function rateLimit(c, next) {
    const { deps } = c.var;
    const rule = deps.env.rateLimits[group];
    if (!rule || (methods && !methods.has(c.req.method))) return next();
    let decision: RateLimitDecision;
    try {
      decision = await deps.rateLimiter.consume(`${group}:${await key(c)}`, rule, deps.clock.now().getTime());
    } catch (err) {
      // A limiter outage must not take the API down with it: let the request through and say so.
      c.var.log.warn('rate limiter unavailable, request allowed', { group, err });
      return next();
    }
    if (!decision.allowed) {
      throw new AppError('rate_limited', 'Too many requests, slow down', {
        headers: {
          'RateLimit-Limit': String(decision.limit),
          'RateLimit-Remaining': '0',
          'RateLimit-Reset': String(decision.resetSeconds),
          'Retry-After': String(decision.retryAfterSeconds),
        },
      });
    }
    await next();
    setHeaders(c, decision);
  };
}
