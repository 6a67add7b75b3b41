import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { jobs } from '../../drizzle/schema';
import { enqueue } from '../../src/jobs/queue';
import { createRegistry, defineTask, PermanentJobError, RetryLaterError } from '../../src/jobs/registry';
import { cancelJob } from '../../src/jobs/sql/cancel';
import { claimJobs } from '../../src/jobs/sql/claim';
import { completeJobs } from '../../src/jobs/sql/complete';
import { failJobs } from '../../src/jobs/sql/fail';
import { heartbeatLeases } from '../../src/jobs/sql/release';
import { releaseStaleJobs } from '../../src/jobs/sql/release-stale';
import { retryJob } from '../../src/jobs/sql/retry';
import { createRunner } from '../../src/jobs/sql/runner';
import { tasks as appTasks } from '../../src/jobs/tasks';
import { createWorker } from '../../src/jobs/worker';
import { manualClock } from '../../src/lib/clock';
import type { BusEvent } from '../../src/lib/event-bus';
import { createTestDatabase, type TestDatabase, usingServer } from '../helpers/db';
import { createTenant, readJob, testDeps } from './support';

// Ahead of the database's now(), so jobs enqueued with the default run_at are due on this clock.
const LEASE = '0190a0b0-0000-7000-8000-000000000001';
const newClock = () => manualClock(new Date(Date.now() + 1000));

describe(`jobs queue (${usingServer ? 'postgres server' : 'pglite'})`, () => {
  let database: TestDatabase;
  let tenantId: string;
  let otherTenantId: string;
  const calls: string[] = [];

  const tasks = createRegistry([
    defineTask({
      type: 'test.echo',
      payload: z.object({ text: z.string() }),
      async run(payload, ctx) {
        calls.push(ctx.job.id);
        await ctx.progress(50, 'half way');
        return { echoed: payload.text };
      },
    }),
    defineTask({
      type: 'test.flaky',
      payload: z.object({}),
      async run() {
        throw new Error('provider down');
      },
    }),
    defineTask({
      type: 'test.broken',
      payload: z.object({}),
      run() {
        // Not even async: a synchronous throw must be caught like any other.
        throw new PermanentJobError('credentials rejected');
      },
    }),
    defineTask({
      type: 'test.rate_limited',
      payload: z.object({}),
      async run() {
        throw new RetryLaterError('429 from provider', 90_000);
      },
    }),
    defineTask({
      type: 'test.capped',
      payload: z.object({}),
      maxAttempts: 2,
      async run() {
        throw new Error('still failing');
      },
    }),
  ]);

  beforeAll(async () => {
    database = await createTestDatabase();
    tenantId = await createTenant(database, 'acme');
    otherTenantId = await createTenant(database, 'globex');
  });
  afterAll(() => database.close());
  // Every test starts from an empty queue, so one test's leftovers never run in another.
  beforeEach(async () => {
    await database.db.delete(jobs);
  });

  const setup = async (options: { backoff?: { baseSeconds: number; maxExponent: number } } = {}) => {
    const clock = newClock();
    const deps = await testDeps(database, clock);
    const worker = createWorker({ deps, registry: tasks, concurrency: 4, clock, backoff: options.backoff });
    return { clock, deps, worker };
  };

  test('enqueue joins the caller transaction: a rollback leaves no job, a commit keeps it', async () => {
    const marker = `tx-${Math.random()}`;
    await database.db
      .transaction(async (tx) => {
        await enqueue(tx, { type: 'test.echo', payload: { text: marker }, tenantId });
        throw new Error('rollback');
      })
      .catch(() => {});
    const count = async () =>
      (await database.db.select().from(jobs).where(sql`${jobs.payload}->>'text' = ${marker}`)).length;
    expect(await count()).toBe(0);
    await database.db.transaction(async (tx) => {
      await enqueue(tx, { type: 'test.echo', payload: { text: marker }, tenantId });
    });
    expect(await count()).toBe(1);
  });

  test('a task runs with its parsed payload, records progress, and stores its result', async () => {
    const { deps, worker } = await setup();
    const seen: BusEvent[] = [];
    deps.bus.subscribe((e) => seen.push(e));
    const { id, created } = await enqueue(database.db, {
      type: 'test.echo',
      payload: { text: 'hi' },
      tenantId,
    });
    expect(created).toBe(true);
    expect(await worker.runOnce()).toBe(1);
    const job = await readJob(database, id);
    expect(job).toMatchObject({ status: 'succeeded', attempts: 1, progress: 100, result: { echoed: 'hi' } });
    expect(job.progressMessage).toBe('half way');
    expect(job.lockedBy).toBeNull();
    expect(job.completedAt).toBeInstanceOf(Date);
    // claim, progress, completion
    expect(seen.filter((e) => e.kind === 'job.updated' && e.jobId === id)).toHaveLength(3);
  });

  test('a job key makes a second enqueue of a pending job a no-op, and frees up once it ran', async () => {
    const { worker } = await setup();
    const first = await enqueue(database.db, { type: 'test.echo', payload: { text: 'a' }, jobKey: 'k1' });
    const second = await enqueue(database.db, { type: 'test.echo', payload: { text: 'b' }, jobKey: 'k1' });
    expect(second).toEqual({ id: first.id, created: false });
    await worker.runOnce();
    expect((await readJob(database, first.id)).result).toEqual({ echoed: 'a' });
    const third = await enqueue(database.db, { type: 'test.echo', payload: { text: 'c' }, jobKey: 'k1' });
    expect(third.created).toBe(true);
    expect(third.id).not.toBe(first.id);
    await worker.runOnce();
  });

  test('a running job lets go of its job key: an enqueue after it started makes a new job, which later ones join', async () => {
    const clock = newClock();
    const run = createRunner(database);
    const first = await enqueue(database.db, { type: 'test.echo', payload: { text: 'old' }, jobKey: 'lead-1' });
    const [running] = await claimJobs(run, { workerId: 'w-key', now: clock.now(), limit: 1 });
    expect(running?.id).toBe(first.id);
    // The running task may already have read what this enqueue is about: a new job runs after it.
    const second = await enqueue(database.db, { type: 'test.echo', payload: { text: 'new' }, jobKey: 'lead-1' });
    expect(second.created).toBe(true);
    expect(second.id).not.toBe(first.id);
    expect(await readJob(database, first.id)).toMatchObject({ status: 'running', jobKey: null, pendingKey: null });
    // A job that has not started is joined as before: its payload and run_at stay as they were.
    const queued = await readJob(database, second.id);
    const third = await enqueue(database.db, {
      type: 'test.echo',
      payload: { text: 'newer' },
      jobKey: 'lead-1',
      runAt: new Date(Date.now() + 3600_000),
    });
    expect(third).toEqual({ id: second.id, created: false });
    expect(await readJob(database, second.id)).toMatchObject({
      status: 'queued',
      jobKey: 'lead-1',
      payload: { text: 'new' },
      runAt: queued.runAt,
    });
    // The superseded job is not retried if it fails (the new job does its work); the new job runs.
    await failJobs(run, {
      workerId: 'w-key',
      now: clock.now(),
      jobs: [{ id: first.id, error: 'Error: boom', permanent: false }],
    });
    expect(await readJob(database, first.id)).toMatchObject({ status: 'dead', jobKey: null });
    const { worker } = await setup();
    expect(await worker.runOnce()).toBe(1);
    expect(await readJob(database, second.id)).toMatchObject({ status: 'succeeded', result: { echoed: 'new' } });
  });

  test('concurrent enqueues while the key’s job runs make exactly one new job', async () => {
    const clock = newClock();
    const run = createRunner(database);
    const first = await enqueue(database.db, { type: 'test.echo', payload: { text: 'a' }, jobKey: 'lead-2' });
    await claimJobs(run, { workerId: 'w-key', now: clock.now(), limit: 1 });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        database.db.transaction((tx) =>
          enqueue(tx, { type: 'test.echo', payload: { text: `b${i}` }, jobKey: 'lead-2' }),
        ),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results[0]!.id).not.toBe(first.id);
    const holders = await database.db.select().from(jobs).where(sql`${jobs.pendingKey} = 'lead-2'`);
    expect(holders.map((j) => [j.id, j.status])).toEqual([[results[0]!.id, 'queued']]);
    await completeJobs(run, { workerId: 'w-key', now: clock.now(), jobs: [{ id: first.id, result: null }] });
  });

  // Two connections: PGlite has one.
  if (usingServer)
    test('a queued job joined inside a transaction is not claimed before that transaction ends', async () => {
      const clock = newClock();
      const run = createRunner(database);
      const { id } = await enqueue(database.db, { type: 'test.echo', payload: { text: 'q' }, jobKey: 'lead-3' });
      await database.db.transaction(async (tx) => {
        expect(await enqueue(tx, { type: 'test.echo', payload: { text: 'q2' }, jobKey: 'lead-3' })).toEqual({
          id,
          created: false,
        });
        // A worker claiming now would read the data before this transaction's change is committed.
        expect(await claimJobs(run, { workerId: 'w-early', now: clock.now(), limit: 10 })).toEqual([]);
      });
      const [claimed] = await claimJobs(run, { workerId: 'w-late', now: clock.now(), limit: 10 });
      expect(claimed?.id).toBe(id);
      await completeJobs(run, { workerId: 'w-late', now: clock.now(), jobs: [{ id, result: null }] });
    });

  test('an enqueue without maxAttempts stores the task’s own limit; an explicit one wins', async () => {
    expect(appTasks.some((t) => t.maxAttempts !== undefined && t.maxAttempts !== 10)).toBe(true);
    for (const task of appTasks) {
      const { id } = await enqueue(database.db, { type: task.type, tenantId });
      expect({ type: task.type, maxAttempts: (await readJob(database, id)).maxAttempts }).toEqual({
        type: task.type,
        maxAttempts: task.maxAttempts ?? 10,
      });
    }
    const { id } = await enqueue(database.db, { type: appTasks[0]!.type, tenantId, maxAttempts: 2 });
    expect((await readJob(database, id)).maxAttempts).toBe(2);
    // A type no task defines keeps the queue's default.
    const unknown = await enqueue(database.db, { type: 'test.echo', payload: { text: 'd' } });
    expect((await readJob(database, unknown.id)).maxAttempts).toBe(10);
    await database.db.delete(jobs);
  });

  test('a job whose worker stopped responding backs off like a failure, and is dead after the task’s limit', async () => {
    const clock = newClock();
    const run = createRunner(database);
    await database.db.execute(sql`delete from job_leases`);
    const task = appTasks.find((t) => t.maxAttempts !== undefined && t.maxAttempts < 10)!;
    const limit = task.maxAttempts!;
    // Enqueued as the app does, without maxAttempts: the task's limit applies.
    const { id } = await enqueue(database.db, { type: task.type, tenantId, payload: {} });
    for (let attempt = 1; attempt <= limit; attempt++) {
      const [job] = await claimJobs(run, { workerId: `w-crash-${attempt}`, now: clock.now(), limit: 10 });
      expect(job).toMatchObject({ id, attempts: attempt });
      const runAtBefore = (await readJob(database, id)).runAt;
      clock.advance(31_000);
      const last = attempt === limit;
      expect(await releaseStaleJobs(run, { now: clock.now(), lockTimeoutMs: 30_000 })).toEqual([
        { id, tenantId, status: last ? 'dead' : 'failed' },
      ]);
      const swept = await readJob(database, id);
      if (last) {
        // As a failed last attempt: dead, finished, run_at as it was.
        expect(swept).toMatchObject({ status: 'dead', attempts: limit, runAt: runAtBefore });
        expect(swept.completedAt).toEqual(clock.now());
        break;
      }
      // The failure path's backoff: base × exp(attempts) seconds, not at once.
      const waitMs = swept.runAt.getTime() - clock.now().getTime();
      expect(Math.abs(waitMs - Math.exp(attempt) * 1000)).toBeLessThan(2);
      expect(swept.completedAt).toBeNull();
      expect(await claimJobs(run, { workerId: 'w-eager', now: clock.now(), limit: 10 })).toEqual([]);
      clock.set(new Date(swept.runAt.getTime() + 1));
    }
    clock.advance(24 * 3600_000);
    expect(await claimJobs(run, { workerId: 'w-eager', now: clock.now(), limit: 10 })).toEqual([]);
  });

  test('failures back off exp(least(attempts, 10)) seconds and the job is dead after maxAttempts', async () => {
    const { clock, worker } = await setup();
    const { id } = await enqueue(database.db, { type: 'test.flaky', maxAttempts: 3 });
    for (const attempt of [1, 2]) {
      expect(await worker.runOnce()).toBe(1);
      const job = await readJob(database, id);
      expect(job).toMatchObject({ status: 'failed', attempts: attempt, lastError: 'Error: provider down' });
      const waitMs = job.runAt.getTime() - clock.now().getTime();
      expect(Math.abs(waitMs - Math.exp(attempt) * 1000)).toBeLessThan(2);
      clock.advance(waitMs - 10);
      expect(await worker.runOnce()).toBe(0);
      // run_at keeps microseconds; the clock has milliseconds.
      clock.advance(11);
    }
    expect(await worker.runOnce()).toBe(1);
    const dead = await readJob(database, id);
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, lastError: 'Error: provider down' });
    clock.advance(24 * 3600_000);
    expect(await worker.runOnce()).toBe(0);
  });

  test('the backoff base and exponent cap are configurable', async () => {
    const { clock, worker } = await setup({ backoff: { baseSeconds: 0.5, maxExponent: 1 } });
    const { id } = await enqueue(database.db, { type: 'test.flaky', maxAttempts: 5 });
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      await worker.runOnce();
      const job = await readJob(database, id);
      waits.push(job.runAt.getTime() - clock.now().getTime());
      clock.set(new Date(job.runAt.getTime() + 1));
    }
    // 0.5 × e¹ s each time: the exponent is capped at 1.
    for (const wait of waits) expect(Math.abs(wait - 0.5 * Math.E * 1000)).toBeLessThan(1);
    await cancelJob(database.db, { id, now: clock.now() });
  });

  test('a permanent error, a task maxAttempts, an unknown type or a bad payload make the job dead', async () => {
    const { worker } = await setup();
    const broken = await enqueue(database.db, { type: 'test.broken' });
    const unknown = await enqueue(database.db, { type: 'test.nobody_handles_this' });
    const badPayload = await enqueue(database.db, { type: 'test.echo', payload: { text: 42 } });
    expect(await worker.runOnce()).toBe(3);
    expect(await readJob(database, broken.id)).toMatchObject({
      status: 'dead',
      attempts: 1,
      lastError: 'PermanentJobError: credentials rejected',
    });
    expect((await readJob(database, unknown.id)).lastError).toBe(
      'PermanentJobError: No task is registered for job type "test.nobody_handles_this"',
    );
    expect((await readJob(database, badPayload.id)).lastError).toStartWith(
      'PermanentJobError: Invalid payload for test.echo: text:',
    );
    expect((await readJob(database, badPayload.id)).status).toBe('dead');

    const { clock, worker: w2 } = await setup();
    const capped = await enqueue(database.db, { type: 'test.capped', maxAttempts: 10 });
    await w2.runOnce();
    clock.advance(60_000);
    await w2.runOnce();
    expect(await readJob(database, capped.id)).toMatchObject({ status: 'dead', attempts: 2 });
  });

  test("a provider's Retry-After wins over the backoff schedule", async () => {
    const { clock, worker } = await setup();
    const { id } = await enqueue(database.db, { type: 'test.rate_limited' });
    await worker.runOnce();
    const job = await readJob(database, id);
    expect(job.status).toBe('failed');
    expect(job.runAt.getTime() - clock.now().getTime()).toBe(90_000);
    await cancelJob(database.db, { id, now: clock.now() });
  });

  test('retry gives a dead job a fresh set of attempts; succeeded jobs are not retried', async () => {
    const { clock, worker } = await setup();
    const { id } = await enqueue(database.db, { type: 'test.echo', payload: { text: 1 }, tenantId });
    await worker.runOnce();
    expect((await readJob(database, id)).status).toBe('dead');
    // The payload is fixed by hand (an operator's repair), then the job is retried.
    await database.db
      .update(jobs)
      .set({ payload: { text: 'fixed' } })
      .where(sql`${jobs.id} = ${id}`);
    expect(await retryJob(database.db, { id, tenantId: otherTenantId, now: clock.now() })).toEqual({
      ok: false,
      reason: 'not_found',
    });
    const retried = await retryJob(database.db, { id, tenantId, now: clock.now() });
    expect(retried.ok && retried.job).toMatchObject({ status: 'queued', attempts: 0, progress: 0 });
    expect(await worker.runOnce()).toBe(1);
    expect(await readJob(database, id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(await retryJob(database.db, { id, tenantId, now: clock.now() })).toEqual({
      ok: false,
      reason: 'invalid_transition',
    });
  });

  test('cancel stops a waiting job from running; a running job cannot be cancelled', async () => {
    const { clock, worker } = await setup();
    const { id } = await enqueue(database.db, { type: 'test.echo', payload: { text: 'x' }, tenantId });
    expect(await cancelJob(database.db, { id, tenantId: otherTenantId, now: clock.now() })).toEqual({
      ok: false,
      reason: 'not_found',
    });
    const cancelled = await cancelJob(database.db, { id, tenantId, now: clock.now() });
    expect(cancelled.ok && cancelled.job.status).toBe('cancelled');
    const before = calls.length;
    expect(await worker.runOnce()).toBe(0);
    expect(calls.length).toBe(before);

    const run = createRunner(database);
    const other = await enqueue(database.db, { type: 'test.echo', payload: { text: 'y' } });
    const [claimed] = await claimJobs(run, { workerId: 'w-cancel', now: clock.now(), limit: 1 });
    expect(claimed?.id).toBe(other.id);
    expect(await cancelJob(database.db, { id: other.id, now: clock.now() })).toEqual({
      ok: false,
      reason: 'invalid_transition',
    });
    await completeJobs(run, {
      workerId: 'w-cancel',
      now: clock.now(),
      jobs: [{ id: other.id, result: null }],
    });
  });

  test('completion only counts for the worker holding the lock; stale locks go back to the queue', async () => {
    const clock = newClock();
    const run = createRunner(database);
    const { id } = await enqueue(database.db, { type: 'test.echo', payload: { text: 'z' }, maxAttempts: 2 });
    const [claimed] = await claimJobs(run, { workerId: 'w-a', now: clock.now(), limit: 10 });
    expect(claimed).toMatchObject({ id, status: 'running', attempts: 1, lockedBy: 'w-a' });
    expect(await claimJobs(run, { workerId: 'w-b', now: clock.now(), limit: 10 })).toEqual([]);
    expect(await completeJobs(run, { workerId: 'w-b', now: clock.now(), jobs: [{ id, result: 1 }] })).toEqual([]);

    clock.advance(29_000);
    expect(await releaseStaleJobs(run, { now: clock.now(), lockTimeoutMs: 30_000 })).toEqual([]);
    clock.advance(2_000);
    const released = await releaseStaleJobs(run, { now: clock.now(), lockTimeoutMs: 30_000 });
    expect(released).toEqual([{ id, tenantId: null, status: 'failed' }]);
    const swept = await readJob(database, id);
    expect(swept.lastError).toContain('w-a');
    // The crashed worker's late completion is ignored; after the backoff the job is claimable again, on its
    // last attempt.
    expect(await completeJobs(run, { workerId: 'w-a', now: clock.now(), jobs: [{ id, result: 1 }] })).toEqual([]);
    clock.set(new Date(swept.runAt.getTime() + 1));
    const [again] = await claimJobs(run, { workerId: 'w-b', now: clock.now(), limit: 10 });
    expect(again).toMatchObject({ id, attempts: 2, lockedBy: 'w-b' });
    clock.advance(31_000);
    expect(await releaseStaleJobs(run, { now: clock.now(), lockTimeoutMs: 30_000 })).toEqual([
      { id, tenantId: null, status: 'dead' },
    ]);
  });

  test('a batch without results completes by id, only for the holder; a batch with one result stores it', async () => {
    const clock = newClock();
    const run = createRunner(database);
    const a = await enqueue(database.db, { type: 'test.echo', payload: { text: 'a' } });
    const b = await enqueue(database.db, { type: 'test.echo', payload: { text: 'b' } });
    const c = await enqueue(database.db, { type: 'test.echo', payload: { text: 'c' } });
    const d = await enqueue(database.db, { type: 'test.echo', payload: { text: 'd' } });
    expect((await claimJobs(run, { workerId: 'w-1', now: clock.now(), limit: 3 })).map((j) => j.id)).toEqual([
      a.id,
      b.id,
      c.id,
    ]);
    expect((await claimJobs(run, { workerId: 'w-2', now: clock.now(), limit: 3 })).map((j) => j.id)).toEqual([d.id]);
    // Null and undefined results, one job held by another worker: only this worker's jobs finish.
    const done = await completeJobs(run, {
      workerId: 'w-1',
      now: clock.now(),
      jobs: [
        { id: a.id, result: null },
        { id: b.id, result: undefined },
        { id: d.id, result: null },
      ],
    });
    expect(done.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    for (const id of [a.id, b.id]) {
      expect(await readJob(database, id)).toMatchObject({
        status: 'succeeded',
        result: null,
        progress: 100,
        lockedBy: null,
        lockedAt: null,
      });
    }
    expect(await readJob(database, d.id)).toMatchObject({ status: 'running', lockedBy: 'w-2' });
    // A job already succeeded is not completed twice.
    expect(await completeJobs(run, { workerId: 'w-1', now: clock.now(), jobs: [{ id: a.id, result: null }] })).toEqual(
      [],
    );
    // One result in the batch: every job's result is written, null ones as null.
    const e = await enqueue(database.db, { type: 'test.echo', payload: { text: 'e' } });
    await claimJobs(run, { workerId: 'w-1', now: clock.now(), limit: 1 });
    const mixed = await completeJobs(run, {
      workerId: 'w-1',
      now: clock.now(),
      jobs: [
        { id: c.id, result: { echoed: 'c' } },
        { id: e.id, result: null },
      ],
    });
    expect(mixed.map((r) => r.id).sort()).toEqual([c.id, e.id].sort());
    expect(await readJob(database, c.id)).toMatchObject({ status: 'succeeded', result: { echoed: 'c' } });
    expect(await readJob(database, e.id)).toMatchObject({ status: 'succeeded', result: null });
  });

  test('a claimed batch and then its completions stay on their pages (room for both new versions)', async () => {
    const clock = newClock();
    const run = createRunner(database);
    await database.db.execute(sql`insert into jobs (id, type)
      select (lpad(to_hex(n), 8, '0') || '-0000-7000-8000-000000000000')::uuid, 'test.echo'
      from generate_series(1, 300) as n`);
    const pageOf = async () =>
      new Map(
        (
          await run<{ id: string; page: string }>(
            `select id, (ctid::text::point)[0]::text as page from jobs where type = 'test.echo'`,
            [],
          )
        ).map((r) => [r.id, r.page]),
      );
    const inserted = await pageOf();
    const claimed = await claimJobs(run, { workerId: 'w-pages', now: clock.now(), limit: 300 });
    expect(claimed.length).toBe(300);
    const afterClaim = await pageOf();
    await completeJobs(run, {
      workerId: 'w-pages',
      now: clock.now(),
      jobs: claimed.map((j) => ({ id: j.id, result: null })),
    });
    const afterCompletion = await pageOf();
    const moved = (from: Map<string, string>, to: Map<string, string>) =>
      [...from].filter(([id, page]) => to.get(id) !== page).length;
    // Every new version on its row's page: the completion is a heap-only update (no index entries).
    expect(moved(inserted, afterClaim)).toBe(0);
    expect(moved(afterClaim, afterCompletion)).toBe(0);
  });

  test('a refreshed lease keeps its jobs through a sweep; a finished lease is dropped with the next claim', async () => {
    const clock = newClock();
    const run = createRunner(database);
    const leases = async () =>
      (
        await run<{ workerId: string; n: number }>(
          'select worker_id as "workerId", cardinality(job_ids) as n from job_leases order by worker_id',
          [],
        )
      ).map((r) => ({ ...r, n: Number(r.n) }));
    await database.db.execute(sql`delete from job_leases`);
    const first = await enqueue(database.db, { type: 'test.echo', payload: { text: 'a' } });
    const second = await enqueue(database.db, { type: 'test.echo', payload: { text: 'b' } });
    const claimed = await claimJobs(run, { workerId: 'w-live', now: clock.now(), limit: 2, leaseId: LEASE });
    expect(claimed.map((j) => j.id).sort()).toEqual([first.id, second.id].sort());
    expect(await leases()).toEqual([{ workerId: 'w-live', n: 2 }]);

    clock.advance(20_000);
    await heartbeatLeases(run, { workerId: 'w-live', now: clock.now(), finishedLeases: [] });
    clock.advance(15_000); // 35 s after the claim, 15 s after the heartbeat
    expect(await releaseStaleJobs(run, { now: clock.now(), lockTimeoutMs: 30_000 })).toEqual([]);
    expect(await readJob(database, first.id)).toMatchObject({ status: 'running', lockedBy: 'w-live' });

    await completeJobs(run, {
      workerId: 'w-live',
      now: clock.now(),
      jobs: claimed.map((j) => ({ id: j.id, result: null })),
    });
    // Every job in the lease has its outcome: the worker's next claim drops it, even an empty claim.
    expect(await claimJobs(run, { workerId: 'w-live', now: clock.now(), limit: 1, finishedLeases: [LEASE] })).toEqual(
      [],
    );
    expect(await leases()).toEqual([]);
  });

  test('a sweep hands back only the stale lease’s jobs still running under that worker', async () => {
    const clock = newClock();
    const run = createRunner(database);
    await database.db.execute(sql`delete from job_leases`);
    const done = await enqueue(database.db, { type: 'test.echo', payload: { text: 'done' } });
    const stuck = await enqueue(database.db, { type: 'test.echo', payload: { text: 'stuck' } });
    await claimJobs(run, { workerId: 'w-gone', now: clock.now(), limit: 2 });
    await completeJobs(run, { workerId: 'w-gone', now: clock.now(), jobs: [{ id: done.id, result: 'ok' }] });
    clock.advance(31_000);
    expect(await releaseStaleJobs(run, { now: clock.now(), lockTimeoutMs: 30_000 })).toEqual([
      { id: stuck.id, tenantId: null, status: 'failed' },
    ]);
    expect(await readJob(database, done.id)).toMatchObject({ status: 'succeeded', result: 'ok' });
    const [row] = await run<{ n: number }>('select count(*)::int as n from job_leases', []);
    expect(Number(row!.n)).toBe(0);
  });
});
