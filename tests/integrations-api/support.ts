// Shared set-up for the integrations API tests: a tenant with an owner token, and request helpers.
import { eq } from 'drizzle-orm';
import { auditLogs, type Tenant } from '../../drizzle/schema';
import type { Deps } from '../../src/lib/deps';
import { createIntegration, type IntegrationView } from '../../src/services/integrations';
import { createTenant, createUser, type TestApp, tokenFor } from '../helpers/app';

export type Dealer = { tenant: Tenant; host: string; token: string };

export async function dealer(t: TestApp, slug: string, role: 'owner' | 'admin' = 'owner'): Promise<Dealer> {
  const tenant = await createTenant(t.deps, { slug });
  const user = await createUser(t.deps, tenant.id, { role });
  return { tenant, host: `${slug}.localhost`, token: await tokenFor(t.deps, user) };
}

export function api(t: TestApp, d: Dealer) {
  return {
    get: (path: string) => t.request(d.host, `/api/admin${path}`, { token: d.token }),
    post: (path: string, json?: unknown) =>
      t.request(d.host, `/api/admin${path}`, {
        method: 'POST',
        token: d.token,
        ...(json !== undefined ? { json } : {}),
      }),
    patch: (path: string, json: unknown) =>
      t.request(d.host, `/api/admin${path}`, { method: 'PATCH', token: d.token, json }),
    delete: (path: string) => t.request(d.host, `/api/admin${path}`, { method: 'DELETE', token: d.token }),
  };
}

/** Creates an integration through the service (no HTTP), as a system actor. */
export function seedIntegration(
  deps: Deps,
  tenant: Tenant,
  template: string,
  config: Record<string, unknown>,
): Promise<IntegrationView> {
  return createIntegration(deps, tenant, { template, config }, { actor: { type: 'system' } });
}

/** Every audit row of a tenant, serialised: for "the secret never appears" assertions. */
export async function auditText(deps: Deps, tenantId: string): Promise<string> {
  const rows = await deps.db.select().from(auditLogs).where(eq(auditLogs.tenantId, tenantId));
  return JSON.stringify(rows);
}
