// GET /api/tenant: the storefront's view of the dealership serving this host.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../../lib/app-env';
import { publicTenant } from '../../lib/serializers';

export const tenantRoutes = new Hono<AppEnv>().get(
  '/',
  describeRoute({
    tags: ['Storefront'],
    summary: 'Public profile of the tenant serving this host',
    responses: { 200: { description: 'Tenant profile' }, 404: { description: 'tenant_not_found' } },
  }),
  (c) => c.json({ data: publicTenant(c.var.tenant) }),
);
