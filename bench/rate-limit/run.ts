// What tenant resolution plus the memory-store rate limiter add to a cached route (GET /api/tenant),
// measured side by side in one process: two apps with the same middleware stack, one with the tenant
// fixed in advance and no limiter (baseline), one resolving the tenant by host (TTL cache) and
// limiting per IP and tenant (as production does). Requests alternate between the two so machine noise
// hits both alike. Usage: npm run bench:rate-limit [-- --requests 30000] [-- --aa]
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { tenants } from '../../drizzle/schema';
import { createDeps } from '../../src/bootstrap';
import { createDatabase } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { parseEnv } from '../../src/env';
import type { AppEnv } from '../../src/lib/app-env';
import type { Deps } from '../../src/lib/deps';
import { bodyLimit } from '../../src/middleware/body-limit';
import { contentType } from '../../src/middleware/content-type';
import { cors } from '../../src/middleware/cors';
import { onError } from '../../src/middleware/error-handler';
import { publicCache } from '../../src/middleware/public-cache';
import { byIpAndTenant, rateLimit } from '../../src/middleware/rate-limit';
import { requestContext } from '../../src/middleware/request-context';
import { requestLog } from '../../src/middleware/request-log';
import { tenant } from '../../src/middleware/tenant';
import { findTenantBySlug } from '../../src/repositories/tenants';
import { tenantRoutes } from '../../src/routes/public/tenant';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REQUESTS = arg('requests', 30_000);
const AA = process.argv.includes('--aa');
/** Distinct client IPs: every bucket stays well under the default 300 requests per minute. */
const CLIENTS = arg('clients', 5000);

function stack(deps: Deps, withTenantAndLimiter: boolean, fixedTenant: typeof tenants.$inferSelect) {
  const { env } = deps;
  const app = new Hono<AppEnv>();
  app.use(requestContext({ deps }));
  app.use(requestLog());
  app.use(secureHeaders({ crossOriginResourcePolicy: 'cross-origin' }));
  app.use('/api/*', cors({ origins: env.CORS_ORIGINS, trustProxy: env.TRUST_PROXY }));
  app.use('/api/*', bodyLimit({ maxBytes: env.BODY_LIMIT_BYTES }), contentType());
  if (withTenantAndLimiter) {
    app.use('/api/tenant', tenant({ trustProxy: env.TRUST_PROXY }));
    app.use('/api/tenant', rateLimit({ group: 'public', key: byIpAndTenant, methods: ['GET', 'HEAD'] }));
  } else {
    app.use('/api/tenant', async function fixedTenantForBaseline(c, next) {
      c.set('tenant', fixedTenant);
      await next();
    });
  }
  app.use('/api/tenant', publicCache());
  app.route('/api/tenant', tenantRoutes);
  app.onError(onError);
  return app;
}

async function main() {
  const database = await createDatabase({});
  await migrateDatabase(database);
  const env = parseEnv({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    JWT_KEYS: `b:${'x'.repeat(32)}`,
    ENCRYPTION_KEYS: `b:${Buffer.alloc(32).toString('base64')}`,
    PLATFORM_API_KEYS: 'p'.repeat(32),
    // As behind a load balancer; no request carries X-Forwarded-For, so the socket address is used.
    TRUST_PROXY: 'true',
  });
  const deps = await createDeps(env, { database, skipMigrations: true });
  await database.db
    .insert(tenants)
    .values({ slug: 'bench', name: 'Bench Motors', status: 'active' })
    .onConflictDoNothing();
  const fixed = (await findTenantBySlug({ db: database.db, slug: 'bench' }))!;

  const variants = {
    baseline: stack(deps, false, fixed),
    // --aa: both variants are the baseline, to show the method itself reads ~0 %.
    limited: stack(deps, !AA, fixed),
  };
  // What Bun.serve passes as the fetch env: getConnInfo() reads the client address from it.
  const serverEnvs = Array.from({ length: CLIENTS }, (_, i) => {
    const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    return { requestIP: () => ({ address, family: 'IPv4', port: 40000 }) };
  });
  let client = 0;
  async function once(app: Hono<AppEnv>): Promise<number> {
    const request = new Request('http://bench.localhost/api/tenant', { headers: { host: 'bench.localhost' } });
    const start = performance.now();
    const res = await app.fetch(request, serverEnvs[client++ % CLIENTS]);
    await res.arrayBuffer();
    const elapsed = performance.now() - start;
    if (res.status !== 200) throw new Error(`unexpected ${res.status}`);
    return elapsed * 1000; // µs
  }

  // Warm-up: JIT, tenant cache, buckets.
  for (let i = 0; i < 5000; i++) await once(i % 2 ? variants.limited : variants.baseline);

  // Requests alternate between the variants one by one, so any slowdown of the machine (other
  // processes, GC, frequency changes) lands on both alike; a request that was preempted is an
  // outlier that the median and the trimmed mean ignore.
  const samples = { baseline: new Float64Array(REQUESTS), limited: new Float64Array(REQUESTS) };
  for (let i = 0; i < REQUESTS; i++) {
    if (i % 2) {
      samples.limited[i] = await once(variants.limited);
      samples.baseline[i] = await once(variants.baseline);
    } else {
      samples.baseline[i] = await once(variants.baseline);
      samples.limited[i] = await once(variants.limited);
    }
  }
  const sorted = (xs: Float64Array) => Float64Array.from(xs).sort();
  const stats = (xs: Float64Array) => {
    const s = sorted(xs);
    const q = (p: number) => s[Math.floor((s.length - 1) * p)]!;
    const middle = s.subarray(Math.floor(s.length * 0.25), Math.ceil(s.length * 0.75));
    const trimmedMean = middle.reduce((a, b) => a + b, 0) / middle.length;
    return { p25: round(q(0.25)), median: round(q(0.5)), p75: round(q(0.75)), trimmedMean: round(trimmedMean) };
  };
  const round = (x: number) => Math.round(x * 100) / 100;
  const base = stats(samples.baseline);
  const limited = stats(samples.limited);
  const result = {
    variants: AA ? 'A/A (baseline vs baseline)' : 'baseline vs tenant resolution + memory limiter',
    requestsPerVariant: REQUESTS,
    unit: 'µs per request (in-process app.fetch, wall time)',
    baseline: base,
    limited,
    overheadPercent: {
      median: round((limited.median / base.median - 1) * 100),
      trimmedMean: round((limited.trimmedMean / base.trimmedMean - 1) * 100),
    },
    memoryStoreBuckets: (deps.rateLimiter as { size?: number }).size,
    runtime: `bun ${Bun.version}`,
  };
  console.log(JSON.stringify(result, null, 2));
  await database.close();
  process.exit(0);
}

await main();
