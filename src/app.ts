// createApp(deps): the middleware order and every route mount, top to bottom (STYLE.md practice 3).
import { Scalar } from '@scalar/hono-api-reference';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { openAPIRouteHandler } from 'hono-openapi';
import type { AppEnv } from './lib/app-env';
import type { Deps } from './lib/deps';
import { auth } from './middleware/auth';
import { bodyLimit } from './middleware/body-limit';
import { contentType } from './middleware/content-type';
import { cors } from './middleware/cors';
import { notFound, onError } from './middleware/error-handler';
import { publicCache } from './middleware/public-cache';
import { requestContext } from './middleware/request-context';
import { requestLog } from './middleware/request-log';
import { tenant } from './middleware/tenant';
import { openApiDocumentation } from './openapi';
import { adminCarRoutes } from './routes/admin/cars';
import { opsRoutes } from './routes/ops';
import { publicCarRoutes } from './routes/public/cars';
import { tenantRoutes } from './routes/public/tenant';

export function createApp(deps: Deps) {
  const { env } = deps;
  const app = new Hono<AppEnv>();

  // 1. Request context (id, deps, logger) → request log → secure headers / CORS / body limit.
  app.use(requestContext({ deps }));
  app.use(requestLog());
  app.use(secureHeaders({ crossOriginResourcePolicy: 'cross-origin' }));
  app.use('/api/*', cors({ origins: env.CORS_ORIGINS, trustProxy: env.TRUST_PROXY }));
  app.use('/webhook/*', bodyLimit({ maxBytes: env.WEBHOOK_BODY_LIMIT_BYTES }), contentType({ allowForm: true }));
  app.use('/api/*', bodyLimit({ maxBytes: env.BODY_LIMIT_BYTES }), contentType());

  // 2. Any host: operations, platform API, GoHighLevel webhook.
  app.route('/', opsRoutes);

  // 3. Tenant routes: the tenant comes from the host.
  const byHost = tenant({ trustProxy: env.TRUST_PROXY });
  app.use('/api/tenant', byHost);
  app.use('/api/cars', byHost);
  app.use('/api/cars/*', byHost);
  app.use('/api/leads', byHost);
  app.use('/api/admin/*', byHost);

  //    Public storefront (no auth): ETag + short Cache-Control on reads.
  app.use('/api/tenant', publicCache());
  app.route('/api/tenant', tenantRoutes);
  //    Cars set their own ETag (the tenant's catalogue version) and Cache-Control: a 304 costs no query.
  app.route('/api/cars', publicCarRoutes);

  //    Tenant admin API: bearer JWT bound to the host's tenant; role guards per route.
  app.use('/api/admin/*', auth());
  app.route('/api/admin/cars', adminCarRoutes);

  // 4. Docs, then errors last.
  app.get(
    '/openapi.json',
    openAPIRouteHandler(app, {
      documentation: openApiDocumentation(env),
      defaultValidationErrorResponse: false,
      exclude: ['/openapi.json', '/docs'],
    }),
  );
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'Showroom API' }));
  app.notFound(notFound);
  app.onError(onError);
  return app;
}

export type App = ReturnType<typeof createApp>;
