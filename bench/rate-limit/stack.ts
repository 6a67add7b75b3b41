// The benchmark's apps: src/app.ts's middleware stack for one storefront route, with the tenant fixed in
// advance and no limiter (baseline) or resolved by host and rate-limited (limited), on a seeded PGlite.
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { cars, type Tenant, tenants } from '../../drizzle/schema';
import { createDeps } from '../../src/bootstrap';
import { createDatabase } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { parseEnv } from '../../src/env';
import type { AppEnv } from '../../src/lib/app-env';
import type { Deps } from '../../src/lib/deps';
import { trustedProxyHops } from '../../src/lib/request-meta';
import { bodyLimit } from '../../src/middleware/body-limit';
import { contentType } from '../../src/middleware/content-type';
import { cors } from '../../src/middleware/cors';
import { onError } from '../../src/middleware/error-handler';
import { byIpAndTenant, rateLimit } from '../../src/middleware/rate-limit';
import { requestContext } from '../../src/middleware/request-context';
import { requestLog } from '../../src/middleware/request-log';
import { tenant } from '../../src/middleware/tenant';
import { findTenantBySlug } from '../../src/repositories/tenants';
import { publicCarRoutes } from '../../src/routes/public/cars';
import { tenantRoutes } from '../../src/routes/public/tenant';

export type Route = 'tenant' | 'cars';
export const PATHS: Record<Route, string> = { tenant: '/api/tenant', cars: '/api/cars' };

/** src/app.ts's stack for one storefront route, with or without tenant resolution and the limiter. */
export function stack(deps: Deps, route: Route, limited: boolean, fixedTenant: Tenant) {
  const { env } = deps;
  const path = PATHS[route];
  const app = new Hono<AppEnv>();
  app.use(requestContext({ deps }));
  app.use(requestLog());
  app.use(secureHeaders({ crossOriginResourcePolicy: 'cross-origin' }));
  app.use('/api/*', cors({ origins: env.CORS_ORIGINS, proxyHops: trustedProxyHops(env) }));
  app.use('/api/*', bodyLimit({ maxBytes: env.BODY_LIMIT_BYTES }), contentType());
  if (limited) {
    const publicReads = rateLimit({ group: 'public', key: byIpAndTenant, methods: ['GET', 'HEAD'] });
    app.use(path, tenant({ proxyHops: trustedProxyHops(env), limit: publicReads }));
  } else {
    // Not async: the cheapest way to give a route its tenant, so the limited variant's extra cost is all
    // counted (an async wrapper here would add its own cost to the baseline).
    app.use(path, function fixedTenantForBaseline(c, next) {
      c.set('tenant', fixedTenant);
      return next();
    });
  }
  app.route(path, route === 'tenant' ? tenantRoutes : publicCarRoutes);
  app.onError(onError);
  return app;
}

/**
 * A fresh in-memory database with one tenant and one page of published cars, and its Deps. `direct`: as a
 * service with no proxy in front (TRUST_PROXY off: the client is the socket's address), for a load from one
 * address, so its public limit is raised out of reach (the same check, never refused).
 */
export async function setup(options: { direct?: boolean } = {}) {
  const database = await createDatabase({});
  await migrateDatabase(database);
  const env = parseEnv({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    JWT_KEYS: `b:${'x'.repeat(32)}`,
    ENCRYPTION_KEYS: `b:${Buffer.alloc(32).toString('base64')}`,
    PLATFORM_API_KEYS: 'p'.repeat(32),
    // Otherwise as behind a load balancer; a request without X-Forwarded-For is limited by its socket address.
    TRUST_PROXY: options.direct ? 'false' : 'true',
    ...(options.direct ? { RATE_LIMIT_OVERRIDES: 'public:1000000/1s' } : {}),
  });
  const deps = await createDeps(env, { database, skipMigrations: true });
  await database.db
    .insert(tenants)
    .values({ slug: 'bench', name: 'Bench Motors', status: 'active', provisionedAt: new Date() })
    .onConflictDoNothing();
  const fixed = (await findTenantBySlug({ db: database.db, slug: 'bench' }))!;
  // One storefront page: 20 published cars, answered from the response cache after the first request.
  await database.db.insert(cars).values(
    Array.from({ length: 20 }, (_, i) => ({
      tenantId: fixed.id,
      slug: `toyota-avanza-${i}`,
      displayCode: `AV${i}`,
      title: `Toyota Avanza 1.3 G ${2015 + (i % 8)}`,
      brand: 'Toyota',
      model: 'Avanza',
      variant: '1.3 G',
      year: 2015 + (i % 8),
      price: 150_000_000 + i * 1_000_000,
      mileageKm: 40_000 + i * 1000,
      transmission: 'manual' as const,
      fuel: 'petrol' as const,
      bodyType: 'mpv',
      color: 'Putih',
      description: 'Mobil keluarga terawat, servis rutin di bengkel resmi.',
      features: ['ABS', 'Airbag'],
      status: 'available' as const,
      publishedAt: new Date(Date.now() - i * 60_000),
    })),
  );

  return { database, deps, fixed };
}
