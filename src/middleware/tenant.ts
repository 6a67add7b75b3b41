// Resolves the tenant from the request host (CONTRACT §2) and sets c.var.tenant.
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { Tenant } from '../../drizzle/schema';
import type { AppEnv } from '../lib/app-env';
import { AppError } from '../lib/errors';
import { firstListItem, normalizeRequestHost } from '../lib/host';

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
  limit?: MiddlewareHandler<AppEnv>;
};

export function requestHost(
  c: { req: { header(name: string): string | undefined; url: string } },
  trustProxy: boolean,
) {
  const forwarded = trustProxy ? c.req.header('x-forwarded-host') : undefined;
  if (forwarded !== undefined) return normalizeRequestHost(firstListItem(forwarded));
  return normalizeRequestHost(c.req.header('host') ?? new URL(c.req.url).host);
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

export function tenant(options: TenantOptions = {}): MiddlewareHandler<AppEnv> {
  const trustProxy = options.trustProxy ?? false;
  const whenSuspended = options.whenSuspended ?? 'forbid';
  const limit = options.limit;
  function serve(c: Context<AppEnv>, next: Next, found: Tenant | null): Promise<void> {
    assertTenantServing(found, whenSuspended);
    c.set('tenant', found);
    return limit ? (limit(c, next) as Promise<void>) : next();
  }
  // Not an async function: a cache hit (nearly every request) is answered without waiting.
  return function tenant(c, next) {
    const host = requestHost(c, trustProxy);
    if (!host) return serve(c, next, null);
    const tenants = c.get('deps').tenants;
    const cached = tenants.peek(host);
    return cached === undefined ? tenants.resolve(host).then((found) => serve(c, next, found)) : serve(c, next, cached);
  };
}
