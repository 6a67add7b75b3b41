// Where the time goes in one no-op run of each engine: wall time, CPU of this process, CPU of the
// database backends serving it (from /proc, so run on the database's machine), WAL bytes written,
// and heap-only (HOT) updates. Args: --jobs=N, --concurrency=N, --engine=ours|graphile|both.
// Run under the bench lock like the benchmark itself.
import { readFileSync } from 'node:fs';
import { Logger, run as runGraphile, runMigrations } from 'graphile-worker';
import postgres from 'postgres';
import { createDeps } from '../../src/bootstrap';
import { createDatabase } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { parseEnv } from '../../src/env';
import { createWorker } from '../../src/jobs/worker';
import { noopRegistry, seedNoopJobs } from './noop';

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const N = Number(arg('jobs', '20000'));
const C = Number(arg('concurrency', '10'));
const ENGINE = arg('engine', 'both');
const ROUNDS = Number(arg('rounds', '1'));
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const GW_SCHEMA = 'gw_prof';

const dbName = `showroom_prof_${Date.now()}`;
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const u = new URL(ADMIN_URL);
u.pathname = `/${dbName}`;
const url = u.toString();
const probe = postgres(url, { max: 1, onnotice: () => {} });
const TICK = 100; // USER_HZ

function procCpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / TICK;
  } catch {
    return 0;
  }
}
async function backendPids(): Promise<number[]> {
  const rows = await probe`select pid from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`;
  return rows.map((r) => Number(r.pid));
}
const lsn = async () => (await probe`select pg_current_wal_lsn()::text as l`)[0]!.l as string;
const walBytes = async (a: string, b: string) =>
  Number((await probe`select pg_wal_lsn_diff(${b}, ${a})::bigint as d`)[0]!.d);

type Sample = { wall: number; js: number; pg: number; wal: number; extra: string };

async function measure(runIt: (onStarted: () => void) => Promise<() => Promise<void>>, table: string) {
  const base = new Map<number, number>();
  for (const pid of await backendPids()) base.set(pid, procCpuMs(pid));
  const xacts = async () =>
    Number((await probe`select xact_commit from pg_stat_database where datname = ${dbName}`)[0]!.xact_commit);
  const x0 = await xacts();
  const js0 = process.cpuUsage();
  const l0 = await lsn();
  const perfOut = process.argv.find((a) => a.startsWith('--perf='))?.slice(7);
  const perf = perfOut
    ? Bun.spawn(['perf', 'record', '-F', '4000', '-a', '-g', '-o', `${perfOut}.${table}`], { stderr: 'ignore' })
    : undefined;
  if (perf) await Bun.sleep(300);
  const t0 = performance.now();
  const finish = await runIt(() => {});
  const wall = performance.now() - t0;
  if (perf) {
    perf.kill('SIGINT');
    await perf.exited;
  }
  let pg = 0;
  for (const pid of await backendPids()) pg += procCpuMs(pid) - (base.get(pid) ?? 0);
  const js1 = process.cpuUsage(js0);
  const l1 = await lsn();
  const stats = await probe.unsafe(
    `select n_tup_upd, n_tup_hot_upd, n_tup_del from pg_stat_user_tables where relname = '${table}'`,
  );
  await finish();
  await Bun.sleep(600);
  const x1 = await xacts();
  return {
    wall,
    js: (js1.user + js1.system) / 1000,
    pg,
    wal: await walBytes(l0, l1),
    extra: `xacts ${x1 - x0} ${JSON.stringify(stats[0] ?? {})}`,
  } satisfies Sample;
}

function report(name: string, s: Sample) {
  console.log(
    `${name} c=${C}: ${Math.round(N / (s.wall / 1000))} jobs/s; wall ${s.wall.toFixed(0)} ms; ` +
      `js cpu ${s.js.toFixed(0)} ms (${((s.js * 1000) / N).toFixed(1)} µs/job); ` +
      `pg cpu ~${s.pg.toFixed(0)} ms (${((s.pg * 1000) / N).toFixed(1)} µs/job); ` +
      `wal ${(s.wal / N).toFixed(0)} B/job; ${s.extra}`,
  );
}

try {
  const database = await createDatabase({ url, poolSize: arg('local-queue', '500') === '0' ? 10 : C + 1 });
  await migrateDatabase(database);
  const deps = await createDeps(parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'error', DATABASE_URL: url }), {
    database,
    skipMigrations: true,
  });
  const stmts = new Map<string, { n: number; rows: number; ms: number }>();
  if (process.argv.includes('--trace')) {
    const sql = database.sql!;
    const orig = sql.unsafe.bind(sql);
    (sql as any).unsafe = (text: string, params: any, opts: any) => {
      const key = text.trim().slice(0, 40).replace(/\s+/g, ' ');
      const t = performance.now();
      const q = orig(text, params, opts);
      q.then(
        (rows: unknown[]) => {
          const e = stmts.get(key) ?? { n: 0, rows: 0, ms: 0 };
          e.n++;
          e.rows += rows.length;
          e.ms += performance.now() - t;
          stmts.set(key, e);
        },
        () => {},
      );
      return q;
    };
  }
  for (let round = 0; round < ROUNDS; round++) {
    stmts.clear();
    for (const ff of arg('ff', '').split(','))
      if (ENGINE !== 'graphile') {
        const sql = database.sql!;
        await sql`truncate jobs`;
        if (ff) await sql.unsafe(`alter table jobs set (fillfactor = ${Number(ff)})`);
        await seedNoopJobs(sql, N);
        await sql`select pg_stat_reset()`;
        // backends of the pool opened before timing
        await Promise.all(Array.from({ length: C + 1 }, () => sql`select 1`));
        const s = await measure(async (onStarted) => {
          const { registry, done } = noopRegistry(N);
          const worker = createWorker({
            deps,
            registry,
            concurrency: C,
            localQueueSize: Number(arg('local-queue', '500')),
            pollIntervalMs: 1000,
          });
          onStarted();
          await worker.start();
          await done;
          while ((await sql`select 1 from jobs where status <> 'succeeded' limit 1`).length > 0) await Bun.sleep(2);
          return () => worker.stop({ timeoutMs: 5000 });
        }, 'jobs');
        await Bun.sleep(600); // pg_stat counters are flushed at most every 500 ms
        report(`ours ff=${ff || 'default'}`, s);
        console.log('  heap pages', (await sql`select pg_relation_size('jobs') / 8192 as p`)[0]!.p);
        for (const [k, v] of stmts)
          console.log(`  ${v.n}× ${(v.rows / v.n).toFixed(0)} rows ${(v.ms / v.n).toFixed(2)} ms  ${k}`);
      }
    if (ENGINE !== 'ours') {
      const options = { connectionString: url, schema: GW_SCHEMA, logger: new Logger(() => () => {}) };
      await runMigrations(options);
      await probe.unsafe(`truncate ${GW_SCHEMA}._private_jobs cascade`);
      await probe.unsafe(
        `select count(*) from ${GW_SCHEMA}.add_jobs(array(select row('noop', '{}'::json, null, null, null, null, null, null)::${GW_SCHEMA}.job_spec from generate_series(1, ${N})))`,
      );
      await probe.unsafe(`vacuum analyze ${GW_SCHEMA}._private_jobs`);
      await probe`select pg_stat_reset()`;
      const s = await measure(async (onStarted) => {
        let ran = 0;
        let allRan: () => void = () => {};
        const done = new Promise<void>((r) => {
          allRan = r;
        });
        const runner = await runGraphile({
          ...options,
          concurrency: C,
          maxPoolSize: C + 1,
          pollInterval: 1000,
          noHandleSignals: true,
          preset: { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
          taskList: {
            noop: async () => {
              if (++ran === N) allRan();
            },
          },
        });
        onStarted();
        await done;
        while ((await probe.unsafe(`select 1 from ${GW_SCHEMA}._private_jobs limit 1`)).length > 0) await Bun.sleep(2);
        return () => runner.stop();
      }, '_private_jobs');
      await Bun.sleep(600);
      report('graphile', s);
    }
  }
  await database.close();
} finally {
  await probe.end();
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
