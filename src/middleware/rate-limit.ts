// Token-bucket rate limiting per route group (src/lib/rate-limit/config.ts). Every limited response
// carries RateLimit-Limit/-Remaining/-Reset; a refused one is 429 rate_limited with Retry-After.
import type { Context, MiddlewareHandler, Next } from 'hono';
import { bearerClaims } from '../auth/bearer';
import type { AppEnv } from '../lib/app-env';
import { AppError } from '../lib/errors';
import { RATE_LIMIT_GROUPS, type RateLimitGroup, type RateLimitRule } from '../lib/rate-limit/config';
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

// c.get() rather than c.var here: this runs on every limited request, and c.var copies all variables.
const ip = (c: Context<AppEnv>) => clientIp(c) ?? 'unknown';

/** Per client IP within the host's tenant (storefront reads, inquiries, sign-in). */
export const byIpAndTenant: RateLimitKey = (c) => `${c.get('tenant').id}:${ip(c)}`;

/** Per user for a valid access token of this tenant, otherwise per client IP. */
export const byUserOrIp: RateLimitKey = async (c) => {
  const claims = await bearerClaims(c);
  const tenantId = c.get('tenant').id;
  return claims && claims.tid === tenantId ? `u:${claims.sub}` : `ip:${tenantId}:${ip(c)}`;
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
  const prefix = `${group}:`;

  function admit(c: Context<AppEnv>, next: Next, decision: RateLimitDecision): Promise<void> {
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
    return next().then(() => setHeaders(c, decision));
  }

  // A limiter outage must not take the API down with it: let the request through and say so.
  function failOpen(c: Context<AppEnv>, next: Next, err: unknown): Promise<void> {
    c.get('log').warn('rate limiter unavailable, request allowed', { group, err });
    return next();
  }

  async function settle(c: Context<AppEnv>, next: Next, pending: Promise<RateLimitDecision>) {
    let decision: RateLimitDecision;
    try {
      decision = await pending;
    } catch (err) {
      return failOpen(c, next, err);
    }
    return admit(c, next, decision);
  }

  function check(c: Context<AppEnv>, next: Next, k: string, rule: RateLimitRule, nowMs: number): Promise<void> {
    let pending: RateLimitDecision | Promise<RateLimitDecision>;
    try {
      pending = c.get('deps').rateLimiter.consume(prefix + k, rule, nowMs);
    } catch (err) {
      return failOpen(c, next, err);
    }
    return pending instanceof Promise ? settle(c, next, pending) : admit(c, next, pending);
  }

  async function checkLater(c: Context<AppEnv>, next: Next, k: Promise<string>, rule: RateLimitRule, nowMs: number) {
    let resolved: string;
    try {
      resolved = await k;
    } catch (err) {
      return failOpen(c, next, err);
    }
    return check(c, next, resolved, rule, nowMs);
  }

  // Not an async function: on the hot path (memory store, IP key) nothing here needs to wait, and a
  // plain function returning next()'s promise saves the await machinery on every request.
  return function rateLimit(c, next) {
    const deps = c.get('deps');
    const rule = deps.env.rateLimits[group];
    if (!rule || (methods && !methods.has(c.req.method))) return next();
    const nowMs = deps.clock.now().getTime();
    const k = key(c);
    return typeof k === 'string' ? check(c, next, k, rule, nowMs) : checkLater(c, next, k, rule, nowMs);
  };
}
