// /api/admin/integrations: a dealership's connections to Fonnte, GoHighLevel and OpenAI (owners and
// admins). Thin over src/services/integrations.ts and integration-connection.ts.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../lib/app-env';
import { notFound } from '../../lib/errors';
import { paginationShape } from '../../lib/pagination';
import { auditContext } from '../../lib/request-meta';
import { validate } from '../../lib/validate';
import { requireRole } from '../../middleware/require-role';
import { testIntegration } from '../../services/integration-connection';
import {
  createIntegration,
  getIntegrationOrThrow,
  listIntegrationViews,
  removeIntegration,
  updateIntegration,
  viewIntegration,
} from '../../services/integrations';

const tags = ['Integrations'];
const idParam = z.object({ id: z.uuid() });
const listQuery = z.object({
  ...paginationShape,
});
const name = z.string().trim().min(1).max(100);
const config = z.record(z.string().min(1).max(64), z.unknown());

const createBody = z.strictObject({
  template: z.string().trim().min(1).max(40).describe('Template name: fonnte, gohighlevel or openai'),
  name: name.optional().describe("Defaults to the template's display name"),
  config: config.describe("Validated against the template's configSchema"),
});

const patchBody = z.strictObject({
  name: name.optional(),
  config: config
    .optional()
    .describe(
      'Merged into the stored config. `null` removes an optional field; a secret sent back masked ("••••1a2b") is kept, ' +
        'except when `baseUrl` changes to a new address: then every secret must be sent again in full (stored secrets ' +
        'never follow a new destination).',
    ),
  status: z
    .literal('disconnected')
    .optional()
    .describe('Pause an active integration; a successful connection test makes it active again'),
});

const errors = {
  401: { description: 'unauthorized' },
  403: { description: 'forbidden (sales)' },
};

export const integrationRoutes = new Hono<AppEnv>()
  .use(requireRole('admin'))
  .get(
    '/',
    describeRoute({
      tags,
      summary: "The dealership's integrations",
      description: 'Secrets read back masked ("••••" + last 4 characters); Fonnte integrations carry `webhookUrl`.',
      responses: { 200: { description: '{data:[…], meta}' }, ...errors },
    }),
    validate('query', listQuery),
    async (c) => c.json(await listIntegrationViews(c.var.deps, c.var.tenant, c.req.valid('query'))),
  )
  .post(
    '/',
    describeRoute({
      tags,
      summary: 'Connect an integration from a template',
      description:
        'The config is checked against the template JSON Schema; each problem is listed in `details` with `path` a ' +
        'JSON pointer into the request body (`/config/deviceToken`). A `baseUrl` pointing at loopback, private or ' +
        'link-local addresses is refused unless the operator set ALLOW_PRIVATE_INTEGRATION_URLS (link-local never ' +
        'passes). One integration per template per dealership. Starts `pending`; run the connection test next.',
      responses: {
        201: {
          description:
            '{data:{id, template, name, status, config, lastSyncAt, errorMessage, accountVerifiedAt, …, webhookUrl?}}',
        },
        400: { description: 'validation_failed' },
        409: { description: 'conflict: already connected, or the provider account belongs to another dealership' },
        ...errors,
      },
    }),
    validate('json', createBody),
    async (c) => {
      const data = await createIntegration(c.var.deps, c.var.tenant, c.req.valid('json'), auditContext(c));
      return c.json({ data }, 201);
    },
  )
  .get(
    '/:id',
    describeRoute({
      tags,
      summary: 'One integration',
      responses: { 200: { description: '{data:{…}}' }, 404: { description: 'not_found' }, ...errors },
    }),
    validate('param', idParam),
    async (c) => {
      const row = await getIntegrationOrThrow(c.var.deps, c.var.tenant.id, c.req.valid('param').id);
      return c.json({ data: await viewIntegration(c.var.deps, c.var.tenant, row) });
    },
  )
  .patch(
    '/:id',
    describeRoute({
      tags,
      summary: 'Rename, change config (secrets re-encrypted) or pause an integration',
      description:
        'Status changes follow pending → active | error, active → error | disconnected, error → active, ' +
        'disconnected → active; anything else is 409 invalid_transition.',
      responses: {
        200: { description: '{data:{…}}' },
        400: { description: 'validation_failed' },
        404: { description: 'not_found' },
        409: { description: 'invalid_transition or conflict' },
        ...errors,
      },
    }),
    validate('param', idParam),
    validate('json', patchBody),
    async (c) => {
      const data = await updateIntegration(
        c.var.deps,
        c.var.tenant,
        c.req.valid('param').id,
        c.req.valid('json'),
        auditContext(c),
      );
      return c.json({ data });
    },
  )
  .delete(
    '/:id',
    describeRoute({
      tags,
      summary: 'Disconnect and delete an integration (its stored credentials are erased)',
      responses: { 204: { description: 'deleted' }, 404: { description: 'not_found' }, ...errors },
    }),
    validate('param', idParam),
    async (c) => {
      await removeIntegration(c.var.deps, c.var.tenant, c.req.valid('param').id, auditContext(c));
      return c.body(null, 204);
    },
  )
  .post(
    '/:id/test',
    describeRoute({
      tags,
      summary: 'Live connection test',
      description:
        'One cheap real call with the stored credentials (Fonnte device check, GoHighLevel location read, OpenAI ' +
        'model list; 10 s timeout). Answers 200 `{success, message, data?, status}` whether or not the provider ' +
        'accepted, and moves the status: success → active (lastSyncAt set), failure → error (errorMessage set). ' +
        'A success also proves the provider account (GoHighLevel location, Fonnte number) belongs to this ' +
        'dealership (accountVerifiedAt): only then do its webhooks reach it. An account another dealership ' +
        'proved first fails the test.',
      responses: {
        200: { description: '{success, message, data?, status}' },
        404: { description: 'not_found' },
        ...errors,
      },
    }),
    validate('param', idParam),
    async (c) => {
      const outcome = await testIntegration(c.var.deps, c.var.tenant.id, c.req.valid('param').id, auditContext(c));
      if (!outcome) throw notFound('Integration');
      return c.json({ ...outcome.result, status: outcome.integration.status });
    },
  );
