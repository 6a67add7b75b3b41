// Token-bucket rate limiting per route group (src/lib/rate-limit/config.ts). Every limited response
// carries RateLimit-Limit/-Remaining/-Reset; a refused one is 429 rate_limited with Retry-After.
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { Tenant } from '../../drizzle/schema';
import { bearerClaims } from '../auth/bearer';
import type { AppEnv } from '../lib/app-env';
import type { Deps } from '../lib/deps';
import { AppError } from '../lib/errors';
import { addressBucket } from '../lib/ip';
import { RATE_LIMIT_GROUPS, type RateLimitGroup, type RateLimitRule } from '../lib/rate-limit/config';
import type { RateLimitDecision, RateLimitStore } from '../lib/rate-limit/store';
import { clientIp, trustedProxyHops } from '../lib/request-meta';
import { requestLogger } from './request-context';

/**
 * Names a request's bucket in two parts (see RateLimitStore): the memory store looks them up as they
 * are, so a check on the hot path builds no key string.
 */
export type RateLimitKey = {
  /** The partition: the host's tenant, or the webhook provider. */
  scope(c: Context<AppEnv>): string;
  /**
   * The client within it: an address's bucket (src/lib/ip.ts) or a signed-in user. `proxyHops`: how many
   * trusted proxies wrote X-Forwarded-For (0: none).
   */
  subject(c: Context<AppEnv>, proxyHops: number): string | Promise<string>;
};

/**
 * A limiter: a middleware, and the same check as a function for tenant() to call once it knows the
 * tenant, with the deps and clock reading it already has (one layer instead of two on storefront routes).
 */
export type RateLimiter = MiddlewareHandler<AppEnv> & {
  run(c: Context<AppEnv>, next: Next, deps: Deps, nowMs: number, tenant?: Tenant): Promise<void>;
};

export type RateLimitOptions = {
  group: RateLimitGroup;
  key: RateLimitKey;
  /** Only these methods count (default: all). */
  methods?: readonly string[];
};

// c.get() rather than c.var here: this runs on every limited request, and c.var copies all variables.
const ip = (c: Context<AppEnv>, proxyHops: number) => addressBucket(clientIp(c, proxyHops));
const tenantId = (c: Context<AppEnv>) => c.get('tenant').id;

/** Per client IP within the host's tenant (storefront reads, inquiries, sign-in). */
export const byIpAndTenant: RateLimitKey = { scope: tenantId, subject: ip };

/**
 * Per user for a valid access token of this tenant, otherwise per client IP. Both are prefixed: a
 * forwarded address is client-supplied text, and must never name a user's bucket.
 */
export const byUserOrIp: RateLimitKey = {
  scope: tenantId,
  subject: async (c, proxyHops) => {
    const claims = await bearerClaims(c);
    return claims && claims.tid === c.get('tenant').id ? `u:${claims.sub}` : `ip:${ip(c, proxyHops)}`;
  },
};

/** Per provider (the path segment after /webhook/) and sender IP: webhooks may run before a tenant is known. */
export const byProviderAndIp: RateLimitKey = {
  scope: (c) => /^\/webhook\/([a-z0-9-]{1,32})/i.exec(c.req.path)?.[1]?.toLowerCase() ?? '-',
  subject: ip,
};

export function rateLimit(options: RateLimitOptions): RateLimiter {
  if (!RATE_LIMIT_GROUPS.includes(options?.group)) throw new Error(`rateLimit: unknown group ${options?.group}`);
  if (typeof options.key?.scope !== 'function' || typeof options.key.subject !== 'function') {
    throw new Error('rateLimit: key must have scope and subject functions');
  }
  const { group, key } = options;
  // The methods that count: up to two compared as they are (no Set to look into on every request).
  const only = options.methods?.map((m) => m.toUpperCase());
  const [m0, m1] = only ?? [];
  const more = only && only.length > 2 ? new Set(only) : undefined;
  // The storefront's key, by far the most used, is read inline: no calls through the key object.
  const ipAndTenant = key === byIpAndTenant;

  // What a check needs from deps, read once per deps object (one per app), not on every request.
  let seen: Deps | undefined;
  let rule: RateLimitRule | null = null;
  let proxyHops = 0;
  let store: RateLimitStore;
  function configure(deps: Deps) {
    seen = deps;
    store = deps.rateLimiter;
    rule = deps.env.rateLimits[group] ?? null;
    proxyHops = trustedProxyHops(deps.env);
  }

  // When two groups limit one route (sign-in is also an admin route), the headers report the one with
  // fewer tokens left (the inner one on a tie). Limiters run outer to inner, so each compares with the
  // decision recorded so far; requestContext writes the recorded one on the final response, whatever
  // built it (handler, error handler, 304), so no limiter waits for the handler to finish.
  function admit(c: Context<AppEnv>, next: Next, decision: RateLimitDecision): Promise<void> {
    const reported = c.get('rateLimit');
    if (!reported || decision.remaining <= reported.remaining) c.set('rateLimit', decision);
    if (!decision.allowed) {
      throw new AppError('rate_limited', 'Too many requests, slow down', {
        headers: { 'Retry-After': String(decision.retryAfterSeconds) },
      });
    }
    return next();
  }

  // A limiter outage must not take the API down with it: let the request through and say so.
  function failOpen(c: Context<AppEnv>, next: Next, err: unknown): Promise<void> {
    requestLogger(c)?.warn('rate limiter unavailable, request allowed', { group, err });
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

  function check(
    c: Context<AppEnv>,
    next: Next,
    store: RateLimitStore,
    scope: string,
    subject: string,
    rule: RateLimitRule,
    nowMs: number,
  ): Promise<void> {
    let pending: RateLimitDecision | Promise<RateLimitDecision>;
    try {
      pending = store.consume(group, scope, subject, rule, nowMs);
    } catch (err) {
      return failOpen(c, next, err);
    }
    return pending instanceof Promise ? settle(c, next, pending) : admit(c, next, pending);
  }

  async function checkLater(
    c: Context<AppEnv>,
    next: Next,
    store: RateLimitStore,
    scope: string,
    subject: Promise<string>,
    rule: RateLimitRule,
    nowMs: number,
  ) {
    let resolved: string;
    try {
      resolved = await subject;
    } catch (err) {
      return failOpen(c, next, err);
    }
    return check(c, next, store, scope, resolved, rule, nowMs);
  }

  // Not async functions: on the hot path (memory store, IP key) nothing here needs to wait, and a plain
  // function returning next()'s promise saves the await machinery on every request.
  function run(c: Context<AppEnv>, next: Next, deps: Deps, nowMs: number, tenant?: Tenant): Promise<void> {
    if (deps !== seen) configure(deps);
    if (only) {
      const method = c.req.method;
      if (method !== m0 && method !== m1 && !more?.has(method)) return next();
    }
    if (!rule) return next();
    if (ipAndTenant) {
      const scope = (tenant ?? c.get('tenant')).id;
      return check(c, next, store, scope, ip(c, proxyHops), rule, nowMs);
    }
    const scope = key.scope(c);
    const subject = key.subject(c, proxyHops);
    return typeof subject === 'string'
      ? check(c, next, store, scope, subject, rule, nowMs)
      : checkLater(c, next, store, scope, subject, rule, nowMs);
  }

  const middleware: MiddlewareHandler<AppEnv> = function rateLimit(c, next) {
    const deps = c.get('deps');
    return run(c, next, deps, deps.clock.ms());
  };
  return Object.assign(middleware, { run });
}
