// The CLI runs a job inline under a lease, like a worker: if the CLI process dies mid-task, the
// stale-lease sweep hands the job back instead of leaving it `running` for good.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { jobLeases, jobs } from '../../drizzle/schema';
import { runJobInline } from '../../src/cli/run-job-inline';
import { enqueue } from '../../src/jobs/queue';
import { createRegistry, defineTask } from '../../src/jobs/registry';
import { createWorker } from '../../src/jobs/worker';
import { createTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test('a job claimed inline whose process stops answering is swept back to the queue', async () => {
  let finish!: () => void;
  const hanging = defineTask({
    type: 'test.hang',
    payload: z.object({}),
    run: () => new Promise<void>((resolve) => (finish = resolve)),
  });
  const { id } = await enqueue(t.db, { type: 'test.hang', payload: {} });
  const inline = runJobInline(t.deps, id, hanging);

  let lease: (typeof jobLeases.$inferSelect)[] = [];
  for (let i = 0; i < 100 && lease.length === 0; i++) {
    lease = await t.db.select().from(jobLeases);
    if (lease.length === 0) await Bun.sleep(10);
  }
  expect(lease.map((l) => l.jobIds)).toEqual([[id]]);
  expect((await t.db.select().from(jobs).where(eq(jobs.id, id)))[0]!.status).toBe('running');

  // The CLI stops heartbeating (as if killed): a worker's sweep takes the job back.
  await Bun.sleep(60);
  const worker = createWorker({ deps: t.deps, registry: createRegistry([hanging]), lockTimeoutMs: 50 });
  expect(await worker.sweep()).toBe(1);
  const [swept] = await t.db.select().from(jobs).where(eq(jobs.id, id));
  expect(swept!.status).not.toBe('running');

  // A late finish from the lost process no longer counts: the job is not its to complete.
  finish();
  await inline;
  const [after] = await t.db.select().from(jobs).where(eq(jobs.id, id));
  expect(after!.status).toBe(swept!.status);
  expect(await t.db.select().from(jobLeases)).toEqual([]);
});
