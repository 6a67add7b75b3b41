// Resolves the tenant from the request host (CONTRACT §2) and sets c.var.tenant.
import type { Context, Next } from 'hono';
import type { Tenant } from '../../drizzle/schema';
import type { AppEnv } from '../lib/app-env';
import type { Deps } from '../lib/deps';
import { AppError } from '../lib/errors';
import { firstListItem, normalizeHost } from '../lib/host';
import type { RateLimiter } from './rate-limit';

/** How long a webhook sender is asked to wait before redelivering to a suspended tenant. */
export const SUSPENDED_RETRY_AFTER_SECONDS = 300;

export type TenantOptions = {
  /** Honour X-Forwarded-Host (only behind a proxy that sets it). */
  trustProxy?: boolean;
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

/** The request's host as sent: the first X-Forwarded-Host item behind a trusted proxy, else Host. */
export function rawRequestHost(c: RequestLike, trustProxy: boolean): string {
  const headers = c.req.raw.headers;
  const forwarded = trustProxy ? headers.get('x-forwarded-host') : null;
  if (forwarded !== null) return firstListItem(forwarded);
  return headers.get('host') ?? new URL(c.req.url).host;
}

/** The request's host, normalised (CONTRACT §2); null when it is no valid host name. */
export function requestHost(c: RequestLike, trustProxy: boolean) {
  return normalizeHost(rawRequestHost(c, trustProxy));
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
  const trustProxy = options.trustProxy ?? false;
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
    const raw = rawRequestHost(c, trustProxy);
    const cached = deps.tenants.peekRaw(raw, nowMs);
    if (cached !== undefined) return serve(c, next, deps, cached, nowMs);
    return deps.tenants.resolveRaw(raw).then((found) => serve(c, next, deps, found, deps.clock.ms()));
  };
}
