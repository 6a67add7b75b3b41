// What tenant resolution plus the memory-store rate limiter add to a cached route, measured side by side
// in one process: per route, apps with the same middleware stack as src/app.ts, the baseline with its
// tenant fixed in advance and no limiter, "limited" resolving the tenant by host (TTL cache) and
// limiting per IP and tenant as production does. Requests rotate one by one through every variant, so
// machine noise lands on all alike; a second baseline (A/A) shows what the method reads for no change.
// Usage: npm run bench:rate-limit [-- --requests 30000] [-- --clients 5000] [-- --no-write]
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { cars, type Tenant, tenants } from '../../drizzle/schema';
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
import { publicCarRoutes } from '../../src/routes/public/cars';
import { tenantRoutes } from '../../src/routes/public/tenant';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REQUESTS = arg('requests', 30_000);
/** Distinct client IPs, in turn: every bucket stays well under the default 300 requests per minute. */
const CLIENTS = arg('clients', 5000);
const WRITE = !process.argv.includes('--no-write');

type Route = 'tenant' | 'cars';
const PATHS: Record<Route, string> = { tenant: '/api/tenant', cars: '/api/cars' };

/** src/app.ts's stack for one storefront route, with or without tenant resolution and the limiter. */
function stack(deps: Deps, route: Route, limited: boolean, fixedTenant: Tenant) {
  const { env } = deps;
  const path = PATHS[route];
  const app = new Hono<AppEnv>();
  app.use(requestContext({ deps }));
  app.use(requestLog());
  app.use(secureHeaders({ crossOriginResourcePolicy: 'cross-origin' }));
  app.use('/api/*', cors({ origins: env.CORS_ORIGINS, trustProxy: env.TRUST_PROXY }));
  app.use('/api/*', bodyLimit({ maxBytes: env.BODY_LIMIT_BYTES }), contentType());
  if (limited) {
    app.use(path, tenant({ trustProxy: env.TRUST_PROXY }));
    app.use(path, rateLimit({ group: 'public', key: byIpAndTenant, methods: ['GET', 'HEAD'] }));
  } else {
    app.use(path, async function fixedTenantForBaseline(c, next) {
      c.set('tenant', fixedTenant);
      await next();
    });
  }
  if (route === 'tenant') {
    app.use(path, publicCache());
    app.route(path, tenantRoutes);
  } else {
    app.route(path, publicCarRoutes);
  }
  app.onError(onError);
  return app;
}

type Stats = { p25: number; median: number; p75: number; iqm: number };
function stats(xs: Float64Array): Stats {
  const s = Float64Array.from(xs).sort();
  const q = (p: number) => s[Math.floor((s.length - 1) * p)]!;
  const middle = s.subarray(Math.floor(s.length * 0.25), Math.ceil(s.length * 0.75));
  return { p25: q(0.25), median: q(0.5), p75: q(0.75), iqm: middle.reduce((a, b) => a + b, 0) / middle.length };
}
const pct = (a: number, b: number) => (a / b - 1) * 100;
const fmt = (x: number) => x.toFixed(2);
const signed = (x: number, unit = ' %') => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(unit === ' %' ? 1 : 2)}${unit}`;

async function main() {
  const load = [loadavg()];
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

  const variants: { route: Route; name: 'baseline' | 'aa' | 'limited'; app: Hono<AppEnv> }[] = [];
  for (const route of ['tenant', 'cars'] as const) {
    variants.push({ route, name: 'baseline', app: stack(deps, route, false, fixed) });
    variants.push({ route, name: 'aa', app: stack(deps, route, false, fixed) });
    variants.push({ route, name: 'limited', app: stack(deps, route, true, fixed) });
  }

  // Bun.serve passes the server as the fetch env; getConnInfo() asks it for the request's address,
  // which Bun reads from that request's socket and returns as a fresh string. One server object and a
  // fresh string per request do the same here (5000 server objects would be cold memory production
  // does not have).
  let address = '';
  const server = { requestIP: (_req: Request) => ({ address, family: 'IPv4', port: 40000 }) };
  let client = 0;
  async function once(app: Hono<AppEnv>, path: string): Promise<number> {
    const n = client++ % CLIENTS;
    address = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    const request = new Request(`http://bench.localhost${path}`, { headers: { host: 'bench.localhost' } });
    const start = performance.now();
    const res = await app.fetch(request, server);
    await res.arrayBuffer();
    const elapsed = performance.now() - start;
    if (res.status !== 200) throw new Error(`unexpected ${res.status}`);
    return elapsed * 1000; // µs
  }

  // Warm-up: JIT, tenant cache, response cache, buckets.
  for (let i = 0; i < 3000; i++) for (const v of variants) await once(v.app, PATHS[v.route]);

  // Each round runs every variant once, in a fresh random order: what runs just before a request
  // (another route's code, say) then favours no variant. A request that was preempted is an outlier
  // the median and the IQM ignore.
  const samples = variants.map(() => new Float64Array(REQUESTS));
  const order = variants.map((_, k) => k);
  let seed = 0x9e3779b9;
  const random = () => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    return seed / 2 ** 32;
  };
  for (let i = 0; i < REQUESTS; i++) {
    for (let j = order.length - 1; j > 0; j--) {
      const r = Math.floor(random() * (j + 1));
      [order[j], order[r]] = [order[r]!, order[j]!];
    }
    for (const k of order) {
      const v = variants[k]!;
      samples[k]![i] = await once(v.app, PATHS[v.route]);
    }
  }
  load.push(loadavg());

  const rows = ['tenant', 'cars'].map((route) => {
    const of = (name: string) => stats(samples[variants.findIndex((v) => v.route === route && v.name === name)]!);
    return { route: route as Route, baseline: of('baseline'), aa: of('aa'), limited: of('limited') };
  });
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; Bun ${Bun.version}`;
  const loads = load.map((l) => l.map((x) => x.toFixed(2)).join(', '));
  const label: Record<Route, string> = {
    tenant: '`GET /api/tenant` (200, ETag)',
    cars: '`GET /api/cars` (response cache)',
  };
  const table = [
    '| route | variant | p25 µs | median µs | p75 µs | IQM µs | vs baseline (median) | vs baseline (IQM) |',
    '| --- | --- | --: | --: | --: | --: | --: | --: |',
    ...rows.flatMap((r) => [
      `| ${label[r.route]} | baseline | ${fmt(r.baseline.p25)} | ${fmt(r.baseline.median)} | ${fmt(r.baseline.p75)} | ${fmt(r.baseline.iqm)} | | |`,
      `| | A/A: baseline again | ${fmt(r.aa.p25)} | ${fmt(r.aa.median)} | ${fmt(r.aa.p75)} | ${fmt(r.aa.iqm)} | ${signed(pct(r.aa.median, r.baseline.median))} | ${signed(pct(r.aa.iqm, r.baseline.iqm))} |`,
      `| | **tenant + memory limiter** | ${fmt(r.limited.p25)} | ${fmt(r.limited.median)} | ${fmt(r.limited.p75)} | ${fmt(r.limited.iqm)} | **${signed(pct(r.limited.median, r.baseline.median))}** (${signed(r.limited.median - r.baseline.median, ' µs')}) | **${signed(pct(r.limited.iqm, r.baseline.iqm))}** |`,
    ]),
  ];
  const section = [
    '<!-- rate-limit:start -->',
    '## Rate limiting and tenant resolution (`npm run bench:rate-limit`)',
    '',
    `Run ${new Date().toISOString()} on ${machine}. Load average (1, 5, 15 min) ${loads[0]} before and ${loads[1]} after: the machine is shared, so compare rows of one run.`,
    '',
    `Per route, three apps with src/app.ts's middleware stack run side by side in one process: the **baseline** has its tenant set in advance and no limiter; **tenant + memory limiter** resolves the tenant from the Host header (TTL cache) and takes a token from the \`public\` bucket of the client IP and tenant (default rule; ${CLIENTS} client addresses in turn, so each bucket is cold memory when its client comes back, as with many real clients); the **A/A** row is a second baseline and shows what the method reads when nothing differs. Requests go one at a time through every variant, in a fresh random order each round (${REQUESTS.toLocaleString('en')} per variant, in-process \`app.fetch\`, logging silenced); per-request wall times, median and interquartile mean (IQM).`,
    '',
    ...table,
    '<!-- rate-limit:end -->',
  ].join('\n');
  console.log(section);
  if (WRITE) {
    const path = join(import.meta.dir, '../RESULTS.md');
    const current = await Bun.file(path).text();
    const re = /<!-- rate-limit:start -->[\s\S]*<!-- rate-limit:end -->/;
    if (!re.test(current)) throw new Error('bench/RESULTS.md has no rate-limit section markers');
    await Bun.write(path, current.replace(re, section));
  }
  await database.close();
  process.exit(0);
}

await main();
