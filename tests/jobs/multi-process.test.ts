// Real worker processes against one PostgreSQL server: no double runs, crashes recovered, shutdowns
// that lose nothing. Registered only when TEST_DATABASE_URL points at a server (PGlite is one process).
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import type { Subprocess } from 'bun';
import { createTestDatabase, type TestDatabase, usingServer } from '../helpers/db';
import { waitFor } from './support';

const fixture = new URL('./fixtures/worker-process.ts', import.meta.url).pathname;

describe('npm run worker', () => {
  test('refuses to start without a PostgreSQL server, since PGlite belongs to one process', async () => {
    // Through the script the README documents, so a missing or broken `worker` script fails here.
    const root = new URL('../..', import.meta.url).pathname;
    const child = Bun.spawn(['npm', 'run', '--silent', 'worker'], {
      cwd: root,
      stdout: 'pipe',
      stderr: 'pipe',
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'error' },
    });
    expect(await child.exited).toBe(1);
    expect(await new Response(child.stdout).text()).toContain('needs DATABASE_URL');
  });
});

// Not registered at all on PGlite, rather than registered and skipped.
if (usingServer)
  describe('jobs across worker processes (postgres server)', () => {
    let database: TestDatabase;
    const children: Subprocess<'ignore', 'pipe', 'inherit'>[] = [];
    const sql = () => database.sql!;

    function spawnWorker(label: string, options: { sleepMs?: number; env?: Record<string, string> } = {}) {
      const args = [process.execPath, fixture, `--label=${label}`];
      if (options.sleepMs !== undefined) args.push(`--sleep-ms=${options.sleepMs}`);
      const child = Bun.spawn(args, {
        stdin: 'ignore',
        stdout: 'pipe',
        stderr: 'inherit',
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          LOG_LEVEL: 'error',
          DATABASE_URL: database.url!,
          WORKER_CONCURRENCY: '8',
          WORKER_POLL_INTERVAL_MS: '200',
          WORKER_LOCK_TIMEOUT_MS: '1000',
          WORKER_SHUTDOWN_TIMEOUT_MS: '5000',
          ...options.env,
        },
      });
      children.push(child);
      const reader = child.stdout.getReader();
      const ready = (async () => {
        let text = '';
        while (!text.includes('ready')) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`worker ${label} exited before it was ready`);
          text += new TextDecoder().decode(value);
        }
        reader.releaseLock();
      })();
      return { child, ready };
    }

    const enqueueRecords = (count: number, ms = 0) =>
      sql()`insert into jobs (id, type, payload)
      select gen_random_uuid(), 'test.record', jsonb_build_object('ms', ${ms}::int) from generate_series(1, ${count})
      returning id`;

    const count = async (where: string) =>
      Number((await sql().unsafe(`select count(*)::int as n from jobs where ${where}`))[0]!.n);

    beforeAll(async () => {
      database = await createTestDatabase();
      await sql()`create table job_runs (job_id uuid not null, worker text not null, attempt int not null,
      at timestamptz not null default clock_timestamp())`;
    });
    beforeEach(async () => {
      await sql()`truncate jobs, job_runs`;
    });
    afterAll(async () => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await database.close();
    });

    test('4 worker processes drain 5,000 jobs, each run exactly once', async () => {
      await enqueueRecords(5000);
      const workers = ['p1', 'p2', 'p3', 'p4'].map((label) => spawnWorker(label));
      await Promise.all(workers.map((w) => w.ready));
      await waitFor(async () => (await count(`status = 'succeeded'`)) === 5000, 'all 5,000 jobs to succeed', 30_000);
      const [runs] = await sql()`select count(*)::int as runs, count(distinct job_id)::int as jobs,
      count(distinct worker)::int as workers from job_runs`;
      expect(runs).toMatchObject({ runs: 5000, jobs: 5000 });
      expect(runs!.workers).toBeGreaterThan(1);
      expect(await count(`attempts <> 1 or locked_by is not null`)).toBe(0);
      for (const w of workers) w.child.kill('SIGTERM');
      expect(await Promise.all(workers.map((w) => w.child.exited))).toEqual([0, 0, 0, 0]);
    }, 60_000);

    test('jobs held by a worker killed with SIGKILL run again after the lock timeout', async () => {
      const ids = (await enqueueRecords(3, 60_000)).map((r) => r.id as string);
      const doomed = spawnWorker('doomed');
      await doomed.ready;
      await waitFor(async () => (await sql()`select 1 from job_runs`).length === 3, 'the 3 jobs to start', 30_000);
      doomed.child.kill('SIGKILL');
      await doomed.child.exited;
      expect(await count(`status = 'running' and locked_by = 'doomed'`)).toBe(3);

      const rescuer = spawnWorker('rescuer', { sleepMs: 0 });
      await rescuer.ready;
      await waitFor(async () => (await count(`status = 'succeeded'`)) === 3, 'the jobs to run again', 30_000);
      const runs = await sql()`select job_id, worker, attempt from job_runs order by at`;
      for (const id of ids) {
        expect(runs.filter((r) => r.job_id === id).map((r) => [r.worker, r.attempt])).toEqual([
          ['doomed', 1],
          ['rescuer', 2],
        ]);
      }
      rescuer.child.kill('SIGTERM');
      expect(await rescuer.child.exited).toBe(0);
    }, 90_000);

    test('SIGTERM during a long task lets it finish within the shutdown limit', async () => {
      const [job] = await enqueueRecords(1, 700);
      const worker = spawnWorker('graceful');
      await worker.ready;
      await waitFor(async () => (await sql()`select 1 from job_runs`).length === 1, 'the task to start', 30_000);
      worker.child.kill('SIGTERM');
      expect(await worker.child.exited).toBe(0);
      const [row] = await sql()`select status, attempts from jobs where id = ${job!.id}`;
      expect(row).toEqual({ status: 'succeeded', attempts: 1 });
    }, 90_000);

    test('SIGTERM during a task that outlasts the shutdown limit releases it, and it runs later', async () => {
      const [job] = await enqueueRecords(1, 20_000);
      const worker = spawnWorker('impatient', { env: { WORKER_SHUTDOWN_TIMEOUT_MS: '200' } });
      await worker.ready;
      await waitFor(async () => (await sql()`select 1 from job_runs`).length === 1, 'the task to start', 30_000);
      const stopAt = Date.now();
      worker.child.kill('SIGTERM');
      expect(await worker.child.exited).toBe(0);
      // Well under the task's 20 s: the worker gave up waiting at its 200 ms limit (slack for a busy machine).
      expect(Date.now() - stopAt).toBeLessThan(10_000);
      const [released] = await sql()`select status, attempts, locked_by from jobs where id = ${job!.id}`;
      expect(released).toEqual({ status: 'queued', attempts: 0, locked_by: null });

      const next = spawnWorker('next', { sleepMs: 0 });
      await next.ready;
      await waitFor(async () => (await count(`status = 'succeeded'`)) === 1, 'the released job to run', 30_000);
      next.child.kill('SIGTERM');
      await next.child.exited;
    }, 90_000);
  });
