// /api/platform/integration-templates: the operator's catalogue of integration kinds (Fonnte, GoHighLevel,
// OpenAI, …). Thin over src/services/integration-template-admin.ts.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../lib/app-env';
import { validate } from '../../lib/validate';
import {
  createIntegrationTemplate,
  createTemplateSchema,
  deleteIntegrationTemplate,
  getIntegrationTemplate,
  listIntegrationTemplates,
  listTemplatesQuerySchema,
  platformTemplate,
  updateIntegrationTemplate,
  updateTemplateSchema,
} from '../../services/integration-template-admin';
import { platformCaller } from './caller';

const idParam = z.object({ id: z.uuid() });
const tags = ['Platform'];
const security = [{ platformKey: [] }];
const unauthorized = { 401: { description: 'Missing or wrong platform API key' } };

export const platformTemplateRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({
      tags,
      security,
      summary: 'List integration templates (active or not) with how many integrations use each',
      responses: { 200: { description: '{data:[…], meta}' }, ...unauthorized },
    }),
    validate('query', listTemplatesQuerySchema),
    async (c) => c.json(await listIntegrationTemplates(c.var.deps, c.req.valid('query'))),
  )
  .post(
    '/',
    describeRoute({
      tags,
      security,
      summary: 'Create an integration template',
      description:
        '`configSchema` is a JSON Schema of a flat object (`type: "object"`, `properties`, optional `required`); ' +
        '`secretFields` must name properties of it. `name` is fixed once created.',
      responses: {
        201: { description: '{data:{…}}' },
        400: { description: 'validation_failed' },
        409: { description: 'conflict: name taken' },
        ...unauthorized,
      },
    }),
    validate('json', createTemplateSchema),
    async (c) => {
      const data = await createIntegrationTemplate(c.var.deps, c.req.valid('json'), platformCaller(c));
      return c.json({ data }, 201);
    },
  )
  .get(
    '/:id',
    describeRoute({
      tags,
      security,
      summary: 'One integration template',
      responses: { 200: { description: '{data:{…}}' }, 404: { description: 'not_found' }, ...unauthorized },
    }),
    validate('param', idParam),
    async (c) => c.json({ data: platformTemplate(await getIntegrationTemplate(c.var.deps, c.req.valid('param').id)) }),
  )
  .patch(
    '/:id',
    describeRoute({
      tags,
      security,
      summary: 'Change an integration template (not its name); `isActive: false` retires it from new tenants',
      responses: {
        200: { description: '{data:{…}}' },
        400: { description: 'validation_failed' },
        404: { description: 'not_found' },
        ...unauthorized,
      },
    }),
    validate('param', idParam),
    validate('json', updateTemplateSchema),
    async (c) => {
      const { id } = c.req.valid('param');
      const data = await updateIntegrationTemplate(c.var.deps, id, c.req.valid('json'), platformCaller(c));
      return c.json({ data });
    },
  )
  .delete(
    '/:id',
    describeRoute({
      tags,
      security,
      summary: 'Delete an integration template that no integration uses',
      responses: {
        204: { description: 'Deleted' },
        404: { description: 'not_found' },
        409: { description: 'conflict: in use by integrations (deactivate it instead)' },
        ...unauthorized,
      },
    }),
    validate('param', idParam),
    async (c) => {
      await deleteIntegrationTemplate(c.var.deps, c.req.valid('param').id, platformCaller(c));
      return c.body(null, 204);
    },
  );
