// Shared set-up for the integrations API tests: a tenant with an owner token, and request helpers.
import { eq } from 'drizzle-orm';
import { auditLogs, integrations, type Tenant } from '../../drizzle/schema';
import type { Deps } from '../../src/lib/deps';
import { markExternalAccountVerified } from '../../src/repositories/integrations';
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

/** Creates an integration through the service (no HTTP), as a system actor: its provider account only claimed. */
export function seedIntegration(
  deps: Deps,
  tenant: Tenant,
  template: string,
  config: Record<string, unknown>,
): Promise<IntegrationView> {
  return createIntegration(deps, tenant, { template, config }, { actor: { type: 'system' } });
}

/**
 * seedIntegration, then its provider account marked proved, as a passed connection test leaves it: for tests of
 * what a connected integration receives (tests/integrations-api/account-ownership.test.ts tests the proof).
 */
export async function seedConnectedIntegration(
  deps: Deps,
  tenant: Tenant,
  template: string,
  config: Record<string, unknown>,
): Promise<IntegrationView> {
  const view = await seedIntegration(deps, tenant, template, config);
  const [row] = await deps.db.select().from(integrations).where(eq(integrations.id, view.id));
  if (!row?.externalAccountId) throw new Error('seedConnectedIntegration: the config names no provider account');
  await markExternalAccountVerified({
    db: deps.db,
    tenantId: tenant.id,
    id: view.id,
    externalAccountId: row.externalAccountId,
    at: deps.clock.now(),
  });
  return view;
}

/** Every audit row of a tenant, serialised: for "the secret never appears" assertions. */
export async function auditText(deps: Deps, tenantId: string): Promise<string> {
  const rows = await deps.db.select().from(auditLogs).where(eq(auditLogs.tenantId, tenantId));
  return JSON.stringify(rows);
}
