// createApp(deps): the middleware order and every route mount, top to bottom (STYLE.md practice 3).
import { Scalar } from '@scalar/hono-api-reference';
import { Hono } from 'hono';
import { except } from 'hono/combine';
import { secureHeaders } from 'hono/secure-headers';
import { registerJobMetrics } from './jobs/metrics';
import type { AppEnv } from './lib/app-env';
import type { Deps } from './lib/deps';
import { withAbsoluteUrl } from './lib/host';
import { trustedProxyHops } from './lib/request-meta';
import { auth } from './middleware/auth';
import { bodyLimit } from './middleware/body-limit';
import { contentType } from './middleware/content-type';
import { cors } from './middleware/cors';
import { notFound, onError } from './middleware/error-handler';
import { platformKey } from './middleware/platform-key';
import { byIpAndTenant, byProviderAndIp, byUserOrIp, rateLimit } from './middleware/rate-limit';
import { requestContext } from './middleware/request-context';
import { requestLog } from './middleware/request-log';
import { tenant } from './middleware/tenant';
import { openApiRoute } from './openapi';
import { auditLogRoutes } from './routes/admin/audit-logs';
import { authRoutes, PUBLIC_AUTH_PATHS } from './routes/admin/auth';
import { adminCarRoutes } from './routes/admin/cars';
import { eventRoutes } from './routes/admin/events';
import { integrationTemplateRoutes } from './routes/admin/integration-templates';
import { integrationRoutes } from './routes/admin/integrations';
import { adminJobRoutes } from './routes/admin/jobs';
import { adminLeadMessageRoutes } from './routes/admin/lead-messages';
import { adminLeadRoutes } from './routes/admin/leads';
import { userRoutes } from './routes/admin/users';
import { opsRoutes } from './routes/ops';
import { platformTemplateRoutes } from './routes/platform/integration-templates';
import { platformJobRoutes } from './routes/platform/jobs';
import { platformTenantRoutes } from './routes/platform/tenants';
import { publicCarRoutes } from './routes/public/cars';
import { publicLeadRoutes } from './routes/public/leads';
import { tenantRoutes } from './routes/public/tenant';
import { fonnteWebhookRoutes } from './routes/webhooks/fonnte';
import { ghlWebhookRoutes } from './routes/webhooks/ghl';

export function createApp(deps: Deps) {
  const { env } = deps;
  const app = new Hono<AppEnv>();
  registerJobMetrics(deps);

  // 1. Request context (id, deps, logger) → request log → secure headers / CORS / body limit.
  app.use(requestContext({ deps }));
  app.use(requestLog());
  app.use(secureHeaders({ crossOriginResourcePolicy: 'cross-origin' }));
  app.use('/api/*', cors({ origins: env.CORS_ORIGINS, proxyHops: trustedProxyHops(env) }));
  app.use('/webhook/*', bodyLimit({ maxBytes: env.WEBHOOK_BODY_LIMIT_BYTES }), contentType({ allowForm: true }));
  app.use('/api/*', bodyLimit({ maxBytes: env.BODY_LIMIT_BYTES }), contentType());
  //    Webhooks are limited here, before any webhook route is mounted: per provider and sender IP.
  app.use('/webhook/*', rateLimit({ group: 'webhooks', key: byProviderAndIp }));

  // 2. Any host: operations, platform API, GoHighLevel webhook.
  app.route('/', opsRoutes);

  //    Platform API: operator key on every route (unknown paths too), never the tenant middleware.
  app.use('/api/platform/*', platformKey());
  app.route('/api/platform/tenants', platformTenantRoutes);
  app.route('/api/platform/integration-templates', platformTemplateRoutes);
  app.route('/api/platform/jobs', platformJobRoutes);

  //    GoHighLevel webhook: the tenant comes from the signed body's locationId, not the host.
  app.route('/webhook/ghl', ghlWebhookRoutes);

  // 3. Tenant routes: the tenant comes from the host, then the route group's rate limit
  //    (src/lib/rate-limit/config.ts; RATE_LIMIT_OVERRIDES), before JWT. The storefront's limiters run
  //    inside the tenant middleware: one layer on the hottest routes instead of two.
  const proxyHops = trustedProxyHops(env);
  const publicReads = rateLimit({ group: 'public', key: byIpAndTenant, methods: ['GET', 'HEAD'] });
  const storefront = tenant({ proxyHops, limit: publicReads });
  app.use('/api/tenant', storefront);
  // '/x/*' also matches '/x' in Hono: one registration covers the list and the detail routes.
  app.use('/api/cars/*', storefront);
  app.use(
    '/api/leads',
    tenant({ proxyHops, limit: rateLimit({ group: 'inquiries', key: byIpAndTenant, methods: ['POST'] }) }),
  );
  app.use('/api/admin/*', tenant({ proxyHops }));
  const signIn = rateLimit({ group: 'login', key: byIpAndTenant, methods: ['POST'] });
  app.use('/api/admin/auth/login', signIn);
  app.use('/api/admin/auth/refresh', signIn);
  app.use('/api/admin/*', rateLimit({ group: 'admin', key: byUserOrIp }));
  //    Fonnte webhook on the tenant host; a suspended tenant answers 503 + Retry-After so nothing is lost.
  app.use('/webhook/fonnte', tenant({ proxyHops, whenSuspended: 'retry' }));
  app.route('/webhook/fonnte', fonnteWebhookRoutes);

  //    Public storefront (no auth). Reads set their own ETag and Cache-Control (src/lib/http-cache.ts).
  app.route('/api/tenant', tenantRoutes);
  app.route('/api/leads', publicLeadRoutes);
  //    Cars' ETags follow the tenant's catalogue version: a 304 costs no query.
  app.route('/api/cars', publicCarRoutes);

  //    Tenant admin API: bearer JWT bound to the host's tenant (sign-in, refresh and sign-out excepted);
  //    every route guards itself with requireRole().
  app.use('/api/admin/*', except(PUBLIC_AUTH_PATHS, auth()));
  app.route('/api/admin/auth', authRoutes);
  app.route('/api/admin/users', userRoutes);
  app.route('/api/admin/audit-logs', auditLogRoutes);
  app.route('/api/admin/leads', adminLeadRoutes);
  app.route('/api/admin/leads', adminLeadMessageRoutes);
  app.route('/api/admin/events', eventRoutes());
  app.route('/api/admin/jobs', adminJobRoutes);
  app.route('/api/admin/cars', adminCarRoutes);
  app.route('/api/admin/integration-templates', integrationTemplateRoutes);
  app.route('/api/admin/integrations', integrationRoutes);

  // 4. Docs, then errors last.
  app.get('/openapi.json', openApiRoute(app, env));
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'Showroom API' }));
  app.notFound(notFound);
  app.onError(onError);
  //    A request with an empty or malformed Host reaches us with a relative URL: route it by its real path.
  const dispatch = app.fetch;
  app.fetch = (request, ...rest) => dispatch(withAbsoluteUrl(request), ...rest);
  return app;
}

export type App = ReturnType<typeof createApp>;
