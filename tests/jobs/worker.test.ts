import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { jobs } from '../../drizzle/schema';
import { queryRows } from '../../src/db/client';
import { enqueue } from '../../src/jobs/queue';
import { createRegistry, defineTask } from '../../src/jobs/registry';
import { createWorker } from '../../src/jobs/worker';
import { createTestDatabase, type TestDatabase, usingServer } from '../helpers/db';
import { readJob, sleep, testDeps, waitFor } from './support';

describe(`jobs worker loop (${usingServer ? 'postgres server' : 'pglite'})`, () => {
  let database: TestDatabase;
  let inFlight = 0;
  let maxInFlight = 0;
  let slowStarted = 0;
  let maxHeld = 0;
  let heldFinished = 0;

  const tasks = createRegistry([
    defineTask({ type: 'test.noop', payload: z.object({}), run: async () => 'ok' }),
    defineTask({
      type: 'test.sleep',
      payload: z.object({ ms: z.number().int() }),
      async run({ ms }) {
        inFlight++;
        slowStarted++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(ms);
        inFlight--;
        return { slept: ms };
      },
    }),
    defineTask({
      type: 'test.held',
      payload: z.object({}),
      async run() {
        // What the worker holds (claimed, task not finished): running rows less the tasks that have
        // returned but whose completion is not written yet (the completion batches trail behind).
        const [row] = await queryRows<{ running: number; succeeded: number }>(
          database.db,
          sql`select count(*) filter (where status = 'running')::int as running,
            count(*) filter (where status = 'succeeded')::int as succeeded from jobs`,
        );
        maxHeld = Math.max(maxHeld, Number(row!.running) - (heldFinished - Number(row!.succeeded)));
        heldFinished++;
        return null;
      },
    }),
    defineTask({
      type: 'test.reject',
      payload: z.object({}),
      run: () => Promise.reject(new TypeError('boom')),
    }),
  ]);

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await database.db.delete(jobs);
    inFlight = 0;
    maxInFlight = 0;
    slowStarted = 0;
    maxHeld = 0;
    heldFinished = 0;
  });

  const statusCounts = async () =>
    Object.fromEntries(
      (
        await queryRows<{ status: string; n: number }>(
          database.db,
          sql`select status, count(*)::int as n from jobs group by status`,
        )
      ).map((r) => [r.status, r.n]),
    );

  test('an idle worker wakes at once on new work instead of waiting for the poll interval', async () => {
    const worker = createWorker({ deps: await testDeps(database), registry: tasks, pollIntervalMs: 60_000 });
    await worker.start();
    try {
      await sleep(20);
      const started = Date.now();
      const { id } = await enqueue(database.db, { type: 'test.noop' });
      await waitFor(async () => (await readJob(database, id)).status === 'succeeded', 'the job to run', 10_000);
      // Far below the 60 s poll interval: the NOTIFY woke it (slack for a busy machine).
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await worker.stop({ timeoutMs: 1000 });
    }
  });

  test('it drains a backlog with bounded concurrency, and a rejected task does not stop it', async () => {
    for (let i = 0; i < 12; i++) await enqueue(database.db, { type: 'test.sleep', payload: { ms: 15 } });
    for (let i = 0; i < 3; i++) await enqueue(database.db, { type: 'test.reject' });
    for (let i = 0; i < 150; i++) await enqueue(database.db, { type: 'test.noop' });
    const worker = createWorker({
      deps: await testDeps(database),
      registry: tasks,
      concurrency: 3,
      localQueueSize: 20,
      pollIntervalMs: 60_000,
    });
    await worker.start();
    try {
      // Both outcomes are written as tasks settle, in no set order: wait for the last of either.
      await waitFor(
        async () => {
          const counts = await statusCounts();
          return counts.succeeded === 162 && counts.failed === 3;
        },
        'the backlog to drain',
        30_000,
      );
      expect(await statusCounts()).toEqual({ succeeded: 162, failed: 3 });
      expect(maxInFlight).toBeLessThanOrEqual(3);
    } finally {
      await worker.stop({ timeoutMs: 1000 });
    }
  });

  test('with a local queue, claims overlap but never hold more than concurrency + local queue size', async () => {
    for (let i = 0; i < 400; i++) await enqueue(database.db, { type: 'test.held' });
    const worker = createWorker({
      deps: await testDeps(database),
      registry: tasks,
      concurrency: 3,
      localQueueSize: 30,
      pollIntervalMs: 60_000,
    });
    await worker.start();
    try {
      // A claim that comes back short while another is in flight must not leave the backlog to the
      // 60 s poll: this drains in far less.
      await waitFor(async () => (await statusCounts()).succeeded === 400, 'the backlog to drain', 30_000);
      expect(maxHeld).toBeGreaterThan(3);
      expect(maxHeld).toBeLessThanOrEqual(33);
    } finally {
      await worker.stop({ timeoutMs: 1000 });
    }
    const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from job_leases`);
    expect(Number(row!.n)).toBe(0);
  });

  test('a worker leaves no leases behind: finished batches are dropped as it goes, the rest at stop', async () => {
    for (let i = 0; i < 60; i++) await enqueue(database.db, { type: 'test.noop' });
    const worker = createWorker({
      deps: await testDeps(database),
      registry: tasks,
      concurrency: 4,
      localQueueSize: 10,
      pollIntervalMs: 60_000,
    });
    await worker.start();
    try {
      await waitFor(async () => (await statusCounts()).succeeded === 60, 'the backlog to drain', 30_000);
    } finally {
      await worker.stop({ timeoutMs: 1000 });
    }
    const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from job_leases`);
    expect(Number(row!.n)).toBe(0);
  });

  test('stop waits for a running task to finish', async () => {
    const { id } = await enqueue(database.db, { type: 'test.sleep', payload: { ms: 150 } });
    const worker = createWorker({ deps: await testDeps(database), registry: tasks, pollIntervalMs: 60_000 });
    await worker.start();
    await waitFor(() => slowStarted === 1, 'the task to start', 10_000);
    await worker.stop({ timeoutMs: 30_000 });
    expect(await readJob(database, id)).toMatchObject({ status: 'succeeded', result: { slept: 150 } });
  });

  test('stop releases a task still running after the limit, giving its attempt back', async () => {
    const { id } = await enqueue(database.db, { type: 'test.sleep', payload: { ms: 1500 } });
    const queued = await enqueue(database.db, { type: 'test.sleep', payload: { ms: 1500 } });
    const worker = createWorker({
      deps: await testDeps(database),
      registry: tasks,
      concurrency: 1,
      localQueueSize: 5,
      pollIntervalMs: 60_000,
    });
    await worker.start();
    await waitFor(() => slowStarted === 1, 'the task to start', 10_000);
    await worker.stop({ timeoutMs: 30 });
    for (const jobId of [id, queued.id]) {
      expect(await readJob(database, jobId)).toMatchObject({ status: 'queued', attempts: 0, lockedBy: null });
    }
    // The released task's late completion does not count: the job is no longer this worker's. (The
    // short wait after the task ends lets its rejected write land; it asserts that nothing happens.)
    await waitFor(() => inFlight === 0, 'the released task to end', 10_000);
    await sleep(100);
    expect((await readJob(database, id)).status).toBe('queued');
  });
});
