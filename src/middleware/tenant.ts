// Resolves the tenant from the request host (CONTRACT §2) and sets c.var.tenant.
import type { Context, Next } from 'hono';
import type { Tenant } from '../../drizzle/schema';
import type { AppEnv } from '../lib/app-env';
import type { Deps } from '../lib/deps';
import { AppError } from '../lib/errors';
import { forwardedEntry, normalizeHost } from '../lib/host';
import type { RateLimiter } from './rate-limit';

/** How long a webhook sender is asked to wait before redelivering to a suspended tenant. */
export const SUSPENDED_RETRY_AFTER_SECONDS = 300;

export type TenantOptions = {
  /** Trusted proxies in front (TRUST_PROXY_HOPS with TRUST_PROXY, src/lib/request-meta.ts): 0 ignores X-Forwarded-Host. */
  proxyHops?: number;
  /**
   * What a suspended tenant gets: `forbid` (403 tenant_suspended, the default), `retry` (503 unavailable
   * with Retry-After, for webhooks: the sender redelivers later and nothing is lost) or `allow`.
   */
  whenSuspended?: 'forbid' | 'retry' | 'allow';
  /**
   * The route group's rate limiter (src/middleware/rate-limit.ts), run right after the tenant is known
   * and inside this same middleware: every storefront request needs both, and one layer costs less than
   * two on the hottest routes (see bench/rate-limit).
   */
  limit?: RateLimiter;
};

type RequestLike = { req: { raw: Request; url: string } };

/** The request's host as sent: behind trusted proxies the X-Forwarded-Host entry the outermost wrote, else Host. */
export function rawRequestHost(c: RequestLike, proxyHops: number): string {
  const headers = c.req.raw.headers;
  const forwarded = proxyHops > 0 ? headers.get('x-forwarded-host') : null;
  if (forwarded !== null) return forwardedEntry(forwarded, proxyHops);
  return headers.get('host') ?? new URL(c.req.url).host;
}

/** The request's host, normalised (CONTRACT §2); null when it is no valid host name. */
export function requestHost(c: RequestLike, proxyHops: number) {
  return normalizeHost(rawRequestHost(c, proxyHops));
}

/**
 * The gate every tenant-scoped entry point applies, host-resolved or not (the GoHighLevel webhook finds
 * its tenant by locationId and calls this itself). A tenant still being provisioned does not exist yet.
 */
export function assertTenantServing(
  found: Tenant | null | undefined,
  whenSuspended: 'forbid' | 'retry' | 'allow' = 'forbid',
): asserts found is Tenant {
  if (!found?.provisionedAt) {
    throw new AppError('tenant_not_found', 'No dealership is served at this host');
  }
  if (found.status !== 'suspended' || whenSuspended === 'allow') return;
  if (whenSuspended === 'retry') {
    throw new AppError('unavailable', 'This dealership is temporarily not accepting deliveries', {
      headers: { 'Retry-After': String(SUSPENDED_RETRY_AFTER_SECONDS) },
    });
  }
  throw new AppError('tenant_suspended', 'This dealership is suspended');
}

export function tenant(options: TenantOptions = {}) {
  const proxyHops = options.proxyHops ?? 0;
  const whenSuspended = options.whenSuspended ?? 'forbid';
  const limit = options.limit;
  function serve(c: Context<AppEnv>, next: Next, deps: Deps, found: Tenant | null, nowMs: number): Promise<void> {
    assertTenantServing(found, whenSuspended);
    c.set('tenant', found);
    return limit ? limit.run(c, next, deps, nowMs, found) : next();
  }
  // Not an async function: a cache hit (nearly every request) is answered without waiting, from one
  // lookup of the raw host value and one reading of the clock, shared with the limiter.
  return function tenant(c: Context<AppEnv>, next: Next): Promise<void> {
    const deps = c.get('deps');
    const nowMs = deps.clock.ms();
    const raw = rawRequestHost(c, proxyHops);
    const cached = deps.tenants.peekRaw(raw, nowMs);
    if (cached !== undefined) return serve(c, next, deps, cached, nowMs);
    return deps.tenants.resolveRaw(raw).then((found) => serve(c, next, deps, found, deps.clock.ms()));
  };
}
