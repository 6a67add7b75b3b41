import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { z } from 'zod';
import { jobs, type Tenant } from '../../drizzle/schema';
import { enqueue } from '../../src/jobs/queue';
import { createRegistry, defineTask } from '../../src/jobs/registry';
import { tasks as appTasks } from '../../src/jobs/tasks';
import { createWorker } from '../../src/jobs/worker';
import { createTenant, createTestApp, createUser, json, type TestApp, tokenFor } from '../helpers/app';
import { usingServer } from '../helpers/db';
import { runIsolationSuite } from '../helpers/isolation';
import { waitFor } from './support';

runIsolationSuite('admin jobs', [
  { method: 'GET', path: '/api/admin/jobs', minRole: 'admin' },
  {
    method: 'GET',
    path: '/api/admin/jobs/:id',
    minRole: 'admin',
    foreignId: async (ctx) => (await enqueue(ctx.t.db, { type: 'noop', tenantId: ctx.other.id })).id,
    homeId: async (ctx) => (await enqueue(ctx.t.db, { type: 'noop', tenantId: ctx.home.id })).id,
  },
  {
    method: 'POST',
    path: '/api/admin/jobs/:id/retry',
    minRole: 'admin',
    foreignId: async (ctx) => (await enqueue(ctx.t.db, { type: 'noop', tenantId: ctx.other.id })).id,
    homeId: async (ctx) => (await enqueue(ctx.t.db, { type: 'noop', tenantId: ctx.home.id })).id,
  },
  {
    method: 'GET',
    path: '/api/admin/jobs/:id/events',
    minRole: 'admin',
    foreignId: async (ctx) => (await enqueue(ctx.t.db, { type: 'noop', tenantId: ctx.other.id })).id,
  },
]);

type SseEvent = { id: string; event: string; data: any };

/** Reads an SSE response into events until it ends (or `until` says stop); `seen` follows along. */
async function readEvents(res: Response, until?: (events: SseEvent[]) => boolean, seen?: (events: SseEvent[]) => void) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let raw = '';
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const text = decoder.decode(value, { stream: true });
    raw += text;
    buffer += text;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(
        block
          .split('\n')
          .filter((l) => !l.startsWith(':'))
          .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
      );
      if (fields.event)
        events.push({ id: fields.id ?? '', event: fields.event, data: JSON.parse(fields.data ?? 'null') });
      end = buffer.indexOf('\n\n');
    }
    seen?.(events);
    if (until?.(events)) {
      await reader.cancel();
      break;
    }
  }
  return { events, raw };
}

describe(`admin jobs API (${usingServer ? 'postgres server' : 'pglite'})`, () => {
  let t: TestApp;
  let home: Tenant;
  let token: string;
  const host = 'acme.localhost';
  let release: () => void = () => {};
  let started = 0;

  const tasks = createRegistry([
    defineTask({
      type: 'test.steps',
      payload: z.object({ fail: z.boolean().default(false) }),
      async run({ fail }, ctx) {
        await ctx.progress(40, 'step one');
        started++;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        if (fail) throw new Error('bad luck');
        return { ok: true };
      },
    }),
  ]);

  beforeAll(async () => {
    t = await createTestApp();
    home = await createTenant(t.deps, { slug: 'acme', domains: [host] });
    token = await tokenFor(t.deps, await createUser(t.deps, home.id, { role: 'admin' }));
  });
  afterAll(() => t.close());

  test('lists the tenant’s jobs newest first, with filters and pagination', async () => {
    const other = await createTenant(t.deps, { slug: 'globex' });
    await enqueue(t.db, { type: 'lead.follow_up', tenantId: home.id });
    await enqueue(t.db, { type: 'whatsapp.send', tenantId: home.id });
    await enqueue(t.db, { type: 'whatsapp.send', tenantId: other.id });
    const all = await json(await t.request(host, '/api/admin/jobs?limit=1', { token }));
    expect(all.meta).toEqual({ page: 1, limit: 1, total: 2, totalPages: 2 });
    expect(all.data[0]).toMatchObject({ type: 'whatsapp.send', status: 'queued', attempts: 0, progress: 0 });
    expect(Object.keys(all.data[0]).sort()).toEqual(
      [
        'attempts',
        'createdAt',
        'id',
        'lastError',
        'maxAttempts',
        'progress',
        'progressMessage',
        'result',
        'runAt',
        'status',
        'type',
        'updatedAt',
      ].sort(),
    );
    const filtered = await json(await t.request(host, '/api/admin/jobs?type=lead.follow_up&status=queued', { token }));
    expect(filtered.data.map((j: { type: string }) => j.type)).toEqual(['lead.follow_up']);
    const bad = await t.request(host, '/api/admin/jobs?status=sleeping&limit=500', { token });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.details.map((d: { path: string }) => d.path).sort()).toEqual(['limit', 'status']);
    expect((await t.request(host, '/api/admin/jobs/not-a-uuid', { token })).status).toBe(400);
  });

  test('a job enqueued without maxAttempts reports its task’s own limit', async () => {
    const task = appTasks.find((k) => k.maxAttempts !== undefined && k.maxAttempts !== 10)!;
    const { id } = await enqueue(t.db, { type: task.type, tenantId: home.id });
    const res = await t.request(host, `/api/admin/jobs/${id}`, { token });
    expect(res.status).toBe(200);
    expect((await json(res)).data).toMatchObject({ id, type: task.type, maxAttempts: task.maxAttempts });
  });

  test('retry: a dead job is queued again; a queued job is an invalid transition', async () => {
    const { id } = await enqueue(t.db, { type: 'nobody.handles', tenantId: home.id });
    const conflict = await t.request(host, `/api/admin/jobs/${id}/retry`, { method: 'POST', token });
    expect(conflict.status).toBe(409);
    expect((await json(conflict)).error.code).toBe('invalid_transition');
    const worker = createWorker({ deps: t.deps, registry: tasks });
    await worker.runOnce();
    const dead = await json(await t.request(host, `/api/admin/jobs/${id}`, { token }));
    expect(dead.data).toMatchObject({ status: 'dead', attempts: 1 });
    expect(dead.data.lastError).toContain('No task is registered');
    const retried = await t.request(host, `/api/admin/jobs/${id}/retry`, { method: 'POST', token });
    expect(retried.status).toBe(200);
    expect((await json(retried)).data).toMatchObject({ id, status: 'queued', attempts: 0 });
  });

  test('retry: a dead job whose key another pending job now holds is 409 conflict and stays dead', async () => {
    const { id } = await enqueue(t.db, { type: 'nobody.handles', tenantId: home.id, jobKey: 'retry-key' });
    await createWorker({ deps: t.deps, registry: tasks }).runOnce();
    expect((await json(await t.request(host, `/api/admin/jobs/${id}`, { token }))).data.status).toBe('dead');
    const holder = await enqueue(t.db, { type: 'nobody.handles', tenantId: home.id, jobKey: 'retry-key' });
    expect(holder.created).toBe(true);
    const res = await t.request(host, `/api/admin/jobs/${id}/retry`, { method: 'POST', token });
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe('conflict');
    expect((await json(await t.request(host, `/api/admin/jobs/${id}`, { token }))).data.status).toBe('dead');
  });

  test('the events stream follows a job to completion, then ends', async () => {
    const { id } = await enqueue(t.db, { type: 'test.steps', tenantId: home.id });
    const res = await t.request(host, `/api/admin/jobs/${id}/events`, { token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toStartWith('text/event-stream');
    let events: SseEvent[] = [];
    const reading = readEvents(res, undefined, (so) => {
      events = so;
    });
    // The contract lets intermediate updates coalesce; waiting for each state before moving the job on
    // makes the stream observe every one of them, whatever the machine's load.
    await waitFor(() => events.some((e) => e.data.status === 'queued'), 'the queued status', 20_000);
    const worker = createWorker({ deps: t.deps, registry: tasks, pollIntervalMs: 60_000 });
    const before = started;
    const run = worker.runOnce();
    await waitFor(() => started > before, 'the task to start', 20_000);
    await waitFor(() => events.some((e) => e.data.progress === 40), 'the progress event', 20_000);
    release();
    await run;
    const done = await reading;
    events = done.events;

    // Ids count up from 1 with no gaps, one event per id.
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => String(i + 1)));
    expect(done.raw).toContain('id: 1\n');
    // Status changes arrive in life-cycle order, each once; progress never goes back.
    expect(events.filter((e) => e.event === 'status').map((e) => e.data.status)).toEqual([
      'queued',
      'running',
      'succeeded',
    ]);
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress).toContain(40);
    expect(progress.at(-1)).toBe(100);
    // The terminal event comes last, exactly once, with the final job; then the stream ends.
    expect(events.filter((e) => e.event === 'completed' || e.event === 'failed')).toHaveLength(1);
    expect(events.at(-1)!.event).toBe('completed');
    expect(events.at(-1)!.data).toMatchObject({ id, status: 'succeeded', result: { ok: true }, progress: 100 });
    await waitFor(() => t.deps.bus.size === 0, 'the stream to unsubscribe', 5000);
  });

  test('a dead job ends the stream with `failed`; a client that leaves unsubscribes', async () => {
    const { id } = await enqueue(t.db, {
      type: 'test.steps',
      payload: { fail: true },
      tenantId: home.id,
      maxAttempts: 1,
    });
    const controller = new AbortController();
    const leaving = await t.request(host, `/api/admin/jobs/${id}/events`, { token, signal: controller.signal });
    await readEvents(leaving, (events) => events.length >= 2);
    controller.abort();
    await waitFor(() => t.deps.bus.size === 0, 'the stream to unsubscribe', 10_000);

    const res = await t.request(host, `/api/admin/jobs/${id}/events`, { token });
    let seen: SseEvent[] = [];
    const reading = readEvents(res, undefined, (so) => {
      seen = so;
    });
    const worker = createWorker({ deps: t.deps, registry: tasks });
    const before = started;
    const run = worker.runOnce();
    await waitFor(() => started > before, 'the task to start', 20_000);
    await waitFor(() => seen.some((e) => e.data.progress === 40), 'the progress event', 20_000);
    release();
    await run;
    const { events } = await reading;
    expect(events.filter((e) => e.event === 'completed' || e.event === 'failed')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ event: 'failed', data: { status: 'dead', lastError: 'Error: bad luck' } });
    await waitFor(() => t.deps.bus.size === 0, 'the stream to unsubscribe', 5000);
  });

  test('/metrics reports jobs by status and the queue depth', async () => {
    const res = await t.request(host, '/metrics');
    const text = await res.text();
    // Every job in the database, whichever tenant: the gauges are process-wide.
    const rows = await t.db.select().from(jobs);
    const count = (status: string) => rows.filter((j) => j.status === status).length;
    expect(count('succeeded')).toBeGreaterThan(0);
    for (const status of ['queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled']) {
      expect(text).toContain(`jobs{status="${status}"} ${count(status)}\n`);
    }
    expect(text).toContain(`jobs_queue_depth ${count('queued')}\n`);
  });
});
