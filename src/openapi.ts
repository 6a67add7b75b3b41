// The OpenAPI document's frame; operations come from the routes' validate()/describeRoute() metadata.
import type { Env } from './env';
import { errorStatus } from './lib/errors';
import { VERSION } from './routes/ops';

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
        'Lists take `page` (≥1) and `limit` (1..100, default 20) and answer `{"data":[…],"meta":{page,limit,total,totalPages}}`.',
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
