// The OpenAPI document's frame; operations come from the routes' validate()/describeRoute() metadata, and
// what they all share is added once by finishDocument (src/openapi-finish.ts).
import type { Handler, Hono } from 'hono';
import { generateSpecs } from 'hono-openapi';
import type { Env } from './env';
import type { AppEnv } from './lib/app-env';
import { errorStatus } from './lib/errors';
import { finishDocument } from './openapi-finish';
import { VERSION } from './routes/ops';

/** GET /openapi.json: generated from the app on first request, finished, then served from memory. */
export function openApiRoute(app: Hono<AppEnv>, env: Env): Handler<AppEnv> {
  let built: Promise<unknown> | undefined;
  return async (c) => {
    built ??= generateSpecs(
      app,
      {
        documentation: openApiDocumentation(env),
        defaultValidationErrorResponse: false,
        exclude: ['/openapi.json', '/docs'],
      },
      c,
    ).then(finishDocument);
    try {
      return c.json(await built);
    } catch (err) {
      built = undefined; // a failed build is retried on the next request
      throw err;
    }
  };
}

export function openApiDocumentation(env: Env) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Showroom API',
      version: VERSION,
      description: [
        'Multi-tenant backend for car dealerships. The tenant is resolved from the request host',
        `(\`<slug>.${env.BASE_DOMAIN}\` or a custom domain); \`/health\`, \`/metrics\`, \`/openapi.json\`, \`/docs\`,`,
        '`/api/platform/*` and `POST /webhook/ghl` work on any host.',
        '',
        'Errors always have the shape `{"error":{"code","message","details?","requestId"}}`.',
        'Lists take `page` (1..100000, default 1; car lists 1..10000) and `limit` (1..100, default 20) as plain decimal digits (`0x10`,',
        '`1e2`, `-1` are 400; a blank value is the default) and answer `{"data":[…],"meta":{page,limit,total,totalPages}}`.',
        'Every response carries `x-request-id`; JSON is `application/json; charset=utf-8`. Request bodies and query',
        'strings nested deeper than 32 levels or containing NUL characters are `400 validation_failed`.',
        '',
        '## Decisions',
        '',
        '- **Staff roles.** Owners manage every account; admins manage sales staff only (create, change, remove),',
        '  so an admin cannot create, change or remove another admin or an owner. The contract\u2019s “admins do',
        '  everything but manage owners” is read together with issue 3\u2019s explicit “admins manage sales staff”.',
        '  Anyone may change their own name and password.',
        '- **Lead assignment by sales.** A salesperson may take an unassigned lead for themselves',
        '  (`PUT …/assign {userId: <self>}`) but not release it (`{userId: null}`) or hand it to someone else:',
        '  both are 403; an admin or owner reassigns.',
        '- **Oversized headers.** A request whose headers exceed Bun\u2019s limit is answered by Bun itself with',
        '  `431 Request Header Fields Too Large` before the app runs, so that answer has no JSON body and no',
        '  `x-request-id`.',
        '- **Hosts.** An empty, malformed or non-ASCII `Host` resolves no tenant: tenant routes answer',
        '  `404 tenant_not_found`.',
        '- **Date filters.** `from`/`to` take a date (`YYYY-MM-DD`) or an ISO-8601 date-time with offset. On',
        '  `GET /api/admin/leads` and `/api/admin/leads/stats` a date means that day in the tenant\u2019s time zone',
        '  (`to` includes the whole day); on `/api/admin/leads/stats` a date-time is an instant and `perDay` lists',
        '  the tenant-time-zone days it spans. On `GET /api/admin/audit-logs` a date is that day in the tenant\u2019s',
        '  time zone as well (`from` at its start, `to` at its end).',
      ].join('\n'),
    },
    servers: [{ url: '/', description: 'This host' }],
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http' as const,
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Access token from POST /api/admin/auth/login',
        },
        platformKey: { type: 'http' as const, scheme: 'bearer', description: 'PLATFORM_API_KEY' },
        metricsToken: {
          type: 'http' as const,
          scheme: 'bearer',
          description: 'METRICS_TOKEN, required only when configured',
        },
      },
      schemas: {
        Error: {
          type: 'object' as const,
          required: ['error'],
          properties: {
            error: {
              type: 'object' as const,
              required: ['code', 'message', 'requestId'],
              properties: {
                code: { type: 'string' as const, enum: Object.keys(errorStatus) },
                message: { type: 'string' as const },
                details: {
                  type: 'array' as const,
                  items: {
                    type: 'object' as const,
                    properties: { path: { type: 'string' as const }, message: { type: 'string' as const } },
                  },
                },
                requestId: { type: 'string' as const },
              },
            },
          },
        },
      },
    },
  };
}
