// GET /api/admin/integration-templates: the integration kinds a dealership can connect, with the
// JSON Schema of each config, which fields are secret, and setup instructions (admins and owners).
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { IntegrationTemplate } from '../../../drizzle/schema';
import type { AppEnv } from '../../lib/app-env';
import { pageMeta, paginationShape } from '../../lib/pagination';
import { validate } from '../../lib/validate';
import { requireRole } from '../../middleware/require-role';
import { listActiveTemplates } from '../../repositories/integration-templates';

const listQuery = z.object({
  ...paginationShape,
});

export function tenantTemplateView(t: IntegrationTemplate) {
  return {
    id: t.id,
    name: t.name,
    displayName: t.displayName,
    category: t.category,
    configSchema: t.configSchema,
    secretFields: t.secretFields,
    setupInstructions: t.setupInstructions,
  };
}

export const integrationTemplateRoutes = new Hono<AppEnv>().get(
  '/',
  describeRoute({
    tags: ['Integrations'],
    summary: 'Integration templates a dealership can connect',
    description:
      'Active templates only. `configSchema` is a JSON Schema (draft 2020-12) of the `config` object to send when ' +
      'creating an integration; fields listed in `secretFields` are write-only and read back masked. ' +
      '`setupInstructions` is Markdown.',
    responses: {
      200: {
        description: '{data:[{id, name, displayName, category, configSchema, secretFields, setupInstructions}], meta}',
      },
      401: { description: 'unauthorized' },
      403: { description: 'forbidden (sales)' },
    },
  }),
  requireRole('admin'),
  validate('query', listQuery),
  async (c) => {
    const { page, limit } = c.req.valid('query');
    const all = await listActiveTemplates({ db: c.var.deps.db });
    return c.json({
      data: all.slice((page - 1) * limit, page * limit).map(tenantTemplateView),
      meta: pageMeta(page, limit, all.length),
    });
  },
);
