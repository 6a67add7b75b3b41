// /api/platform/tenants: onboard a dealership (202 + provisioning job), list, read, suspend, reactivate.
// Thin over src/services/tenants.ts, which the CLI calls too.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../lib/app-env';
import { validate } from '../../lib/validate';
import { createTenantSchema, listTenantsQuerySchema, patchTenantSchema } from '../../services/tenant-input';
import { changeTenantStatus, createTenant, getTenant, listTenants } from '../../services/tenants';
import { platformCaller } from './caller';

const idParam = z.object({ id: z.uuid() });
const tags = ['Platform'];
const security = [{ platformKey: [] }];
const unauthorized = { 401: { description: 'Missing or wrong platform API key' } };

export const platformTenantRoutes = new Hono<AppEnv>()
  .post(
    '/',
    describeRoute({
      tags,
      security,
      summary: 'Onboard a dealership: reserve it and queue its provisioning',
      description:
        'Answers 202 once the slug and domains are reserved and a `tenant.provision` job is queued. The tenant ' +
        'serves no traffic (404 tenant_not_found on its hosts) until the job completes; follow it at ' +
        '`GET /api/platform/jobs/{jobId}/events`. Status starts as `trial`. Hosts under BASE_DOMAIN come from the ' +
        'slug, so `domains` lists custom domains only. The owner password is hashed at once and never stored in ' +
        'the job payload. Optional `intake` answers pick a starter configuration (lead tags, reply templates, ' +
        'business hours); the choice and its reason are recorded on the tenant.',
      responses: {
        202: { description: '{data:{tenantId, jobId, status:"queued", estimatedCompletionTime}}' },
        400: { description: 'validation_failed (bad or reserved slug, bad domain, locale, currency, time zone…)' },
        409: { description: 'conflict: slug or a domain already belongs to a tenant (no job is queued)' },
        ...unauthorized,
      },
    }),
    validate('json', createTenantSchema),
    async (c) => {
      const result = await createTenant(c.var.deps, c.req.valid('json'), platformCaller(c));
      c.header('Location', `/api/platform/tenants/${result.tenantId}`);
      return c.json({ data: result }, 202);
    },
  )
  .get(
    '/',
    describeRoute({
      tags,
      security,
      summary: 'List tenants (newest first), filtered by status or a search over slug, name and domains',
      responses: { 200: { description: '{data:[…], meta:{page, limit, total, totalPages}}' }, ...unauthorized },
    }),
    validate('query', listTenantsQuerySchema),
    async (c) => c.json(await listTenants(c.var.deps, c.req.valid('query'))),
  )
  .get(
    '/:id',
    describeRoute({
      tags,
      security,
      summary: 'One tenant with its domains, user counts, settings, intake and provisioning state',
      responses: { 200: { description: '{data:{…}}' }, 404: { description: 'not_found' }, ...unauthorized },
    }),
    validate('param', idParam),
    async (c) => c.json({ data: await getTenant(c.var.deps, c.req.valid('param').id) }),
  )
  .patch(
    '/:id',
    describeRoute({
      tags,
      security,
      summary: 'Suspend or reactivate a tenant',
      description:
        'Allowed: trial→active|suspended, active→suspended, suspended→active|trial; the current status again is ' +
        "a no-op. A suspended tenant's storefront and admin API answer 403 tenant_suspended and its webhooks 503 " +
        'with Retry-After (senders redeliver later) — at once on this instance, within TENANT_CACHE_TTL_MS on others.',
      responses: {
        200: { description: '{data:{…}} the tenant after the change' },
        404: { description: 'not_found' },
        409: { description: 'invalid_transition' },
        ...unauthorized,
      },
    }),
    validate('param', idParam),
    validate('json', patchTenantSchema),
    async (c) => {
      const { id } = c.req.valid('param');
      const data = await changeTenantStatus(c.var.deps, id, c.req.valid('json').status, platformCaller(c));
      return c.json({ data });
    },
  );
