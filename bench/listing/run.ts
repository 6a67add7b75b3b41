// `npm run bench`: the storefront listing under load. Seeds a fresh database (50 tenants × 2,000 cars plus
// one tenant with 100,000), then with wrk (64 connections) measures the full service in each CARS_CACHE
// mode against a bare Hono + postgres.js handler running the same SQL, mix by mix, and the plain page at
// 2,000 vs 100,000 cars; prints the tables and writes the listing section of bench/RESULTS.md.
// Flags: --reuse (keep an already seeded showroom_bench, applying new migrations), --seconds=N per measurement
// (default 10); for a quick look, --servers=bare,off,counts,responses and --mixes=plain,fulltext,… measure a
// subset and print it without touching bench/RESULTS.md.
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';
import { createDatabase } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { BODY_TYPES, BRANDS, createBenchDatabase, MODELS, seedCatalogue, vacuumAnalyze } from './data';
import { explainAll, explainSummary } from './explain';

const ROOT = resolve(import.meta.dir, '../..');
const SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'showroom_bench';
const TENANTS = 50;
const CARS = 2_000;
const BIG = 100_000;
const CONNECTIONS = 64;
const POOL = 10;
const args = process.argv.slice(2);
const SECONDS = Number(args.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 10);
const log = (msg: string) => process.stdout.write(`${msg}\n`);

function ensureWrk() {
  try {
    execSync('wrk --version', { stdio: 'ignore' });
  } catch (err) {
    if ((err as { status?: number }).status === 1) return; // wrk --version exits 1 after printing
    log('wrk not found: installing it with apt-get');
    execSync('apt-get update -qq && apt-get install -y -qq wrk', { stdio: 'inherit' });
  }
}

async function prepareDatabase(): Promise<{ url: string; slugs: string[]; ids: Record<string, string> }> {
  const u = new URL(SERVER_URL);
  u.pathname = `/${DB_NAME}`;
  const url = u.toString();
  const plan = [
    ...Array.from({ length: TENANTS }, (_, i) => ({ slug: `bench-${String(i + 1).padStart(2, '0')}`, cars: CARS })),
    { slug: 'bench-big', cars: BIG },
  ];
  if (args.includes('--reuse')) {
    try {
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      const rows = await sql<{ slug: string; id: string; n: number }[]>`
        select t.slug, t.id, count(c.id)::int as n from tenants t left join cars c on c.tenant_id = t.id
        group by t.slug, t.id`;
      await sql.end();
      if (rows.length === plan.length && rows.every((r) => plan.find((p) => p.slug === r.slug)?.cars === r.n)) {
        log(`reusing ${DB_NAME} (applying any new migrations)`);
        const database = await createDatabase({ url, poolSize: 2 });
        await migrateDatabase(database);
        await database.close();
        await vacuumAnalyze(url);
        return { url, slugs: plan.map((p) => p.slug), ids: Object.fromEntries(rows.map((r) => [r.slug, r.id])) };
      }
    } catch {
      // not there yet: seed it below
    }
  }
  log(`creating ${DB_NAME}: ${TENANTS} tenants × ${CARS} cars + 1 tenant × ${BIG} cars`);
  await createBenchDatabase(SERVER_URL, DB_NAME);
  const tenants = await seedCatalogue(url, plan, log);
  return { url, slugs: plan.map((p) => p.slug), ids: Object.fromEntries(tenants.map((t) => [t.slug, t.id])) };
}

/** Deterministic URL mixes over the 50 small tenants (the big one is measured on its own). */
function mixes(slugs: string[]): Record<string, string[]> {
  let s = 42;
  const rand = () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const sorts = ['newest', 'price_asc', 'price_desc', 'year_desc', 'mileage_asc'];
  const words = [
    'keluarga irit',
    'family car',
    'avanza',
    'mobil terawat',
    'low mileage',
    'tangan pertama',
    'one owner',
    'servis rutin',
    'fortuner diesel',
    'city driving',
  ];
  const hosts = slugs.map((slug) => `${slug}.localhost`);
  const out: Record<string, string[]> = { plain: [], filters: [], fulltext: [], deep: [] };
  for (const host of hosts) {
    out.plain!.push(`${host} /api/cars`);
    for (let i = 0; i < 40; i++) {
      const p = new URLSearchParams();
      const kind = Math.floor(rand() * 7);
      if (kind === 0) p.set('brand', pick(BRANDS));
      if (kind === 1) {
        const m = pick(MODELS);
        p.set('brand', m[0]);
        p.set('model', m[1]);
      }
      if (kind === 2) {
        const y = 2012 + Math.floor(rand() * 10);
        p.set('yearMin', String(y));
        p.set('yearMax', String(y + 3));
      }
      if (kind === 3) {
        const lo = 100 + Math.floor(rand() * 300);
        p.set('priceMin', String(lo * 1_000_000));
        p.set('priceMax', String((lo + 100) * 1_000_000));
      }
      if (kind === 4) p.set('transmission', pick(['manual', 'automatic']));
      if (kind === 5) p.set('fuel', pick(['petrol', 'diesel', 'hybrid', 'electric']));
      if (kind === 6) p.set('bodyType', pick(BODY_TYPES));
      p.set('sort', pick(sorts));
      out.filters!.push(`${host} /api/cars?${p}`);
    }
    for (const w of words) out.fulltext!.push(`${host} /api/cars?q=${encodeURIComponent(w)}`);
    for (let i = 0; i < 10; i++) out.deep!.push(`${host} /api/cars?page=${40 + i}&sort=${pick(sorts)}`);
  }
  return out;
}

type Server = { name: string; port: number; proc: ChildProcess };

async function startServer(name: string, port: number, script: string, env: Record<string, string>): Promise<Server> {
  const proc = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/cars`, { headers: { host: 'bench-01.localhost' } });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`${name} did not start`);
    await Bun.sleep(200);
  }
  return { name, port, proc };
}

async function stopServer(s: Server) {
  s.proc.kill('SIGTERM');
  await new Promise((r) => (s.proc.exitCode !== null ? r(null) : s.proc.once('exit', r)));
}

type Figures = { rps: number; p50: number; p99: number; errors: number; non2xx: number };

function wrk(port: number, urlsFile: string, seconds: number): Figures {
  const out = execSync(
    `wrk -t2 -c${CONNECTIONS} -d${seconds}s --timeout 5s -s ${join(import.meta.dir, 'mix.lua')} http://127.0.0.1:${port}`,
    { env: { ...process.env, BENCH_URLS: urlsFile }, encoding: 'utf8' },
  );
  const line = out.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (!line) throw new Error(`wrk printed no figures:\n${out}`);
  const j = JSON.parse(line.slice('BENCH_JSON '.length));
  return {
    rps: j.requests / (j.durationUs / 1e6),
    p50: j.p50Us / 1000,
    p99: j.p99Us / 1000,
    errors: j.errors,
    non2xx: j.non2xx,
  };
}

/**
 * Steady state before measuring, the same for every server: each URL of the mix requested once (8 at a
 * time), then 2 s of wrk (JIT, prepared statements, caches). Without the first step a 2,000-URL mix is
 * still filling the answer cache while it is measured; the CARS_CACHE=off rows show what a miss costs.
 */
async function measure(port: number, urlsFile: string): Promise<Figures> {
  const urls = readFileSync(urlsFile, 'utf8').split('\n').filter(Boolean);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < urls.length; i = next++) {
        const [host, path] = urls[i]!.split(' ');
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { host: host! } });
        if (res.status !== 200) throw new Error(`warm-up: ${res.status} for ${urls[i]}`);
        await res.arrayBuffer();
      }
    }),
  );
  wrk(port, urlsFile, 2);
  return wrk(port, urlsFile, SECONDS);
}

const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ');

async function main() {
  ensureWrk();
  const loadBefore = load();
  const { url, slugs, ids } = await prepareDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'showroom-bench-'));
  const small = slugs.filter((s) => s !== 'bench-big');
  const files: Record<string, string> = {};
  for (const [mix, lines] of Object.entries(mixes(small))) {
    files[mix] = join(dir, `${mix}.txt`);
    writeFileSync(files[mix]!, `${lines.join('\n')}\n`);
  }
  files.size2k = join(dir, 'size2k.txt');
  writeFileSync(files.size2k, 'bench-01.localhost /api/cars\n');
  files.size100k = join(dir, 'size100k.txt');
  writeFileSync(files.size100k, 'bench-big.localhost /api/cars\n');

  const serviceEnv = (mode: string) => ({
    NODE_ENV: 'production',
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: String(POOL),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    WORKER_ENABLED: 'false',
    JWT_KEYS: `bench:${randomBytes(32).toString('hex')}`,
    ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    PLATFORM_API_KEYS: randomBytes(32).toString('hex'),
    CARS_CACHE: mode,
    // Every request comes from 127.0.0.1: the limiter still runs (its cost counts) but never refuses.
    RATE_LIMIT_OVERRIDES: 'public:1000000/1s',
  });
  const targets = [
    {
      name: 'bare Hono + postgres.js',
      script: 'bench/listing/bare.ts',
      env: { DATABASE_URL: url, POOL_SIZE: String(POOL) },
    },
    { name: 'service, CARS_CACHE=off', script: 'src/index.ts', env: serviceEnv('off') },
    { name: 'service, CARS_CACHE=counts', script: 'src/index.ts', env: serviceEnv('counts') },
    { name: 'service, CARS_CACHE=responses (default)', script: 'src/index.ts', env: serviceEnv('responses') },
  ];
  const mixNames = ['plain', 'filters', 'fulltext', 'deep', 'size2k', 'size100k'] as const;
  const results: Record<string, Record<string, Figures>> = {};
  let port = 3190;
  const listFlag = (name: string) =>
    args
      .find((a) => a.startsWith(`--${name}=`))
      ?.split('=')[1]
      ?.split(',');
  const onlyServers = listFlag('servers');
  const onlyMixes = listFlag('mixes');
  if (onlyServers || onlyMixes) {
    const keys = ['bare', 'off', 'counts', 'responses'];
    for (const [i, target] of targets.entries()) {
      if (onlyServers && !onlyServers.includes(keys[i]!)) continue;
      log(`\n== ${target.name}`);
      const server = await startServer(target.name, port++, target.script, target.env);
      try {
        for (const mix of mixNames.filter((m) => !onlyMixes || onlyMixes.includes(m))) {
          const fig = await measure(server.port, files[mix]!);
          log(
            `  ${mix.padEnd(9)} ${f1(fig.rps).padStart(8)} req/s  p50 ${f2(fig.p50)} ms  p99 ${f2(fig.p99)} ms` +
              (fig.errors || fig.non2xx ? `  errors ${fig.errors} non-2xx ${fig.non2xx}` : ''),
          );
        }
      } finally {
        await stopServer(server);
      }
    }
    return;
  }
  for (const target of targets) {
    log(`\n== ${target.name}`);
    const server = await startServer(target.name, port++, target.script, target.env);
    results[target.name] = {};
    try {
      for (const mix of mixNames) {
        const fig = await measure(server.port, files[mix]!);
        results[target.name]![mix] = fig;
        log(
          `  ${mix.padEnd(9)} ${f1(fig.rps).padStart(8)} req/s  p50 ${f2(fig.p50)} ms  p99 ${f2(fig.p99)} ms` +
            (fig.errors || fig.non2xx ? `  errors ${fig.errors} non-2xx ${fig.non2xx}` : ''),
        );
      }
    } finally {
      await stopServer(server);
    }
  }

  const bare = results[targets[0]!.name]!;
  const table = ['| mix | server | req/s | p50 ms | p99 ms | req/s vs bare |', '|---|---|---:|---:|---:|---:|'];
  for (const mix of mixNames) {
    for (const t of targets) {
      const fig = results[t.name]![mix]!;
      table.push(
        `| ${mix} | ${t.name} | ${f1(fig.rps)} | ${f2(fig.p50)} | ${f2(fig.p99)} | ${f2(fig.rps / bare[mix]!.rps)}× |`,
      );
    }
  }
  const sizeRows = targets.map((t) => {
    const a = results[t.name]!.size2k!;
    const b = results[t.name]!.size100k!;
    return `| ${t.name} | ${f2(a.p50)} / ${f2(a.p99)} | ${f2(b.p50)} / ${f2(b.p99)} | ${f2(b.p50 / a.p50)}× / ${f2(b.p99 / a.p99)}× |`;
  });

  // The targets, checked for every service mode against this run's bare figures.
  const verdict = targets.slice(1).map((t) => {
    const r = results[t.name]!;
    const ratios = (['plain', 'filters'] as const).map((m) => r[m]!.rps / bare[m]!.rps);
    const worstP99 = Math.max(...mixNames.map((m) => r[m]!.p99));
    const size = r.size100k!.p50 / r.size2k!.p50;
    const ok = (b: boolean) => (b ? 'met' : '**not met**');
    return (
      `- ${t.name}: req/s ≥ 0.9 × bare on plain/filters (${ratios.map(f2).join(' / ')}) ${ok(ratios.every((x) => x >= 0.9))}; ` +
      `p99 < 25 ms on every mix (worst ${f1(worstP99)} ms) ${ok(worstP99 < 25)}; ` +
      `100k vs 2k p50 ≤ 1.5× (${f2(size)}×) ${ok(size <= 1.5)}`
    );
  });

  log('\nEXPLAIN ANALYZE of each filter and sort (2,000 vs 100,000 cars in the tenant)…');
  const plans = await explainAll(url, ids['bench-01']!, ids['bench-big']!);

  const loadAfter = load();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const [{ version }] = (await sql`select version()`) as unknown as [{ version: string }];
  await sql.end();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; ${version.split(',')[0]}; Bun ${Bun.version}`;
  const section = [
    '<!-- listing:start -->',
    '## Storefront listing (`npm run bench`, bench/listing)',
    '',
    `Run ${new Date().toISOString()} on ${machine}. wrk: 2 threads, ${CONNECTIONS} connections, ${SECONDS} s per row after a warm-up (every URL of the mix once, then 2 s of wrk);`,
    `database pool ${POOL} in both servers; ${TENANTS} tenants × ${CARS} cars (+1 tenant × ${BIG}); service with NODE_ENV=production, LOG_LEVEL=warn.`,
    'The machine (2 cores) is shared: wrk, the server and PostgreSQL compete for the same cores, and other jobs may run.',
    `Load average (1 / 5 / 15 min): ${loadBefore} before the run, ${loadAfter} after it.`,
    '',
    'Mixes: **plain** `/api/cars` on 50 tenants; **filters** 40 filter/sort combinations per tenant; **fulltext** 10',
    'Indonesian/English queries per tenant; **deep** pages 40–49; **size2k** / **size100k** the plain page on one tenant',
    'with 2,000 / 100,000 cars. The bare handler runs the page and count queries on every request; the service in',
    '`CARS_CACHE=off` does the same, `counts` reuses totals per catalogue version, `responses` reuses whole answers.',
    'Full text in both is scoped by the tenant lexeme of the search document (src/repositories/car-text-query.ts).',
    'The rate limiter runs in the service (`RATE_LIMIT_OVERRIDES=public:1000000/1s`: one client address, never refused).',
    '',
    table.join('\n'),
    '',
    '### Targets in this run',
    '',
    ...verdict,
    '',
    '### Plain page: 2,000 vs 100,000 cars in one tenant (p50 / p99 ms)',
    '',
    '| server | 2,000 cars | 100,000 cars | ratio |',
    '|---|---|---|---|',
    ...sizeRows,
    '',
    '### Plans (EXPLAIN ANALYZE, `bun bench/listing/explain.ts` prints them in full)',
    '',
    explainSummary(plans),
    '<!-- listing:end -->',
  ].join('\n');
  log(`\n${section}\n`);

  const resultsPath = join(ROOT, 'bench/RESULTS.md');
  let doc = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '# Benchmark results\n\n';
  const re = /<!-- listing:start -->[\s\S]*<!-- listing:end -->/;
  doc = re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(resultsPath, doc);
  log(`wrote ${resultsPath} (database ${DB_NAME} kept for bench/listing/explain.ts; --reuse skips seeding)`);
}

await main();
