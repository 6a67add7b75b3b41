// Resolves the tenant from the request host (CONTRACT §2) and sets c.var.tenant.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../lib/app-env';
import { AppError } from '../lib/errors';
import { normalizeHost } from '../lib/host';

export type TenantOptions = {
  /** Honour X-Forwarded-Host (only behind a proxy that sets it). */
  trustProxy?: boolean;
  /** Let suspended tenants through (the caller answers for them, e.g. webhooks asking for a retry). */
  allowSuspended?: boolean;
};

export function requestHost(
  c: { req: { header(name: string): string | undefined; url: string } },
  trustProxy: boolean,
) {
  const forwarded = trustProxy ? c.req.header('x-forwarded-host')?.split(',')[0] : undefined;
  return normalizeHost(forwarded ?? c.req.header('host') ?? new URL(c.req.url).host);
}

export function tenant(options: TenantOptions = {}): MiddlewareHandler<AppEnv> {
  const trustProxy = options.trustProxy ?? false;
  const allowSuspended = options.allowSuspended ?? false;
  return async function tenant(c, next) {
    const host = requestHost(c, trustProxy);
    const found = host ? await c.get('deps').tenants.resolve(host) : null;
    if (!found) throw new AppError('tenant_not_found', 'No dealership is served at this host');
    if (found.status === 'suspended' && !allowSuspended) {
      throw new AppError('tenant_suspended', 'This dealership is suspended');
    }
    c.set('tenant', found);
    await next();
  };
}
