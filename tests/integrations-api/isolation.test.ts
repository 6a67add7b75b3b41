// Every integrations admin route: 401 without or with a bad token, 404 for another tenant's object,
// 403 for sales.

import type { IsolationContext } from '../helpers/isolation';
import { runIsolationSuite } from '../helpers/isolation';
import { seedIntegration } from './support';

// One integration per template per tenant: create each tenant's once and reuse it.
const created = new Map<string, Promise<string>>();
const integrationOf = (ctx: IsolationContext, which: 'home' | 'other') => {
  const tenant = ctx[which];
  let id = created.get(tenant.id);
  if (!id) {
    id = seedIntegration(ctx.t.deps, tenant, 'openai', { apiKey: 'sk-isolation-0123456789' }).then((v) => v.id);
    created.set(tenant.id, id);
  }
  return id;
};
const foreignId = (ctx: IsolationContext) => integrationOf(ctx, 'other');
const homeId = (ctx: IsolationContext) => integrationOf(ctx, 'home');

runIsolationSuite('integrations', [
  { method: 'GET', path: '/api/admin/integration-templates', minRole: 'admin' },
  { method: 'GET', path: '/api/admin/integrations', minRole: 'admin' },
  {
    method: 'POST',
    path: '/api/admin/integrations',
    minRole: 'admin',
    body: () => ({ template: 'gohighlevel', name: 'CRM', config: { apiKey: 'pit-0123456789', locationId: 'loc-1' } }),
  },
  { method: 'GET', path: '/api/admin/integrations/:id', minRole: 'admin', foreignId, homeId },
  {
    method: 'PATCH',
    path: '/api/admin/integrations/:id',
    minRole: 'admin',
    body: () => ({ name: 'Renamed' }),
    foreignId,
    homeId,
  },
  { method: 'DELETE', path: '/api/admin/integrations/:id', minRole: 'admin', foreignId, homeId },
  { method: 'POST', path: '/api/admin/integrations/:id/test', minRole: 'admin', foreignId, homeId },
]);
