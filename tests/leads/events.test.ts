import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Hono } from 'hono';
import type { Tenant, User } from '../../drizzle/schema';
import type { AppEnv } from '../../src/lib/app-env';
import { eventRoutes } from '../../src/routes/admin/events';
import { createTenant, createTestApp, createUser, json, type TestApp, tokenFor } from '../helpers/app';
import { insertLead } from './fixtures';

type SseEvent = { event: string; id?: string; data: any };

/** Reads an SSE response incrementally: events and comment lines as they arrive. */
function sseReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let waiters: (() => void)[] = [];
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (frame.startsWith(':')) comments.push(frame);
        else {
          const field = (name: string) =>
            frame
              .split('\n')
              .filter((l) => l.startsWith(`${name}: `))
              .map((l) => l.slice(name.length + 2))
              .join('\n');
          events.push({ event: field('event'), id: field('id'), data: JSON.parse(field('data')) });
        }
        cut = buffer.indexOf('\n\n');
      }
      for (const w of waiters) w();
      waiters = [];
    }
  })();
  return {
    events,
    comments,
    /** Resolves once `predicate` holds, or rejects after `ms`. */
    async until(predicate: () => boolean, ms = 1000) {
      const deadline = Date.now() + ms;
      while (!predicate()) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(events.map((e) => e.event))}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, left);
        });
      }
    },
    async close() {
      await reader.cancel();
      await pump;
    },
  };
}

describe('GET /api/admin/events (live inbox)', () => {
  let t: TestApp;
  let acme: Tenant;
  let owner: User;
  let sales: User;
  let sales2: User;

  beforeAll(async () => {
    t = await createTestApp();
    acme = await createTenant(t.deps, { slug: 'acme' });
    await createTenant(t.deps, { slug: 'other' });
    owner = await createUser(t.deps, acme.id, { role: 'owner' });
    sales = await createUser(t.deps, acme.id, { role: 'sales' });
    sales2 = await createUser(t.deps, acme.id, { role: 'sales' });
  }, 60_000);
  afterAll(() => t.close());

  const open = async (user: User) => {
    const res = await t.request('acme.localhost', '/api/admin/events', { token: await tokenFor(t.deps, user) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toStartWith('text/event-stream');
    // A stream's response is written like any other: request id and the admin limiter's headers.
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.headers.get('ratelimit-limit')).toBeTruthy();
    const stream = sseReader(res);
    await stream.until(() => stream.events.some((e) => e.event === 'ready'));
    return stream;
  };

  test('a storefront inquiry reaches a connected admin within a second', async () => {
    const stream = await open(owner);
    const started = Date.now();
    const res = await t.request('acme.localhost', '/api/leads', {
      method: 'POST',
      json: { name: 'Budi', phone: '081255550001', message: 'Avanza masih ada?' },
    });
    const leadId = (await json(res)).data.id;
    await stream.until(() => stream.events.some((e) => e.event === 'message.created'), 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    const created = stream.events.find((e) => e.event === 'lead.created')!;
    expect(created.data.lead).toMatchObject({ id: leadId, phone: '+6281255550001', status: 'new' });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    const message = stream.events.find((e) => e.event === 'message.created')!;
    expect(message.data.message).toMatchObject({ leadId, direction: 'in', body: 'Avanza masih ada?' });
    await stream.close();
  });

  test('status changes and assignments are streamed; a second message from the phone is message.created only', async () => {
    const stream = await open(owner);
    const lead = await insertLead(t.db, acme.id, { phone: '+6281255550002' });
    const token = await tokenFor(t.deps, owner);
    await t.request('acme.localhost', `/api/admin/leads/${lead.id}/status`, {
      method: 'PUT',
      token,
      json: { status: 'warm' },
    });
    await t.request('acme.localhost', `/api/admin/leads/${lead.id}/assign`, {
      method: 'PUT',
      token,
      json: { userId: sales.id },
    });
    await t.request('acme.localhost', '/api/leads', {
      method: 'POST',
      json: { name: 'X', phone: '0812-5555-0002', message: 'halo lagi' },
    });
    await stream.until(() => stream.events.filter((e) => e.event !== 'ready').length >= 3);
    expect(stream.events.filter((e) => e.event !== 'ready').map((e) => e.event)).toEqual([
      'lead.status_changed',
      'lead.assigned',
      'message.created',
    ]);
    expect(stream.events[2]!.data).toMatchObject({ previousAssignedTo: null, lead: { assignedTo: sales.id } });
    await stream.close();
  });

  test("sales receive events of their own and unassigned leads only; other tenants' never", async () => {
    const stream = await open(sales);
    const ownerToken = await tokenFor(t.deps, owner);
    const theirs = await insertLead(t.db, acme.id, { assignedTo: sales2.id });
    const mine = await insertLead(t.db, acme.id, { assignedTo: sales.id });
    const put = (id: string, status: string) =>
      t.request('acme.localhost', `/api/admin/leads/${id}/status`, {
        method: 'PUT',
        token: ownerToken,
        json: { status },
      });
    await put(theirs.id, 'cold');
    await t.request('other.localhost', '/api/leads', {
      method: 'POST',
      json: { name: 'Other', phone: '081255550003', message: 'hi' },
    });
    await put(mine.id, 'hot');
    // Moving a lead away from this salesperson is still news to them.
    await t.request('acme.localhost', `/api/admin/leads/${mine.id}/assign`, {
      method: 'PUT',
      token: ownerToken,
      json: { userId: sales2.id },
    });
    await stream.until(() => stream.events.some((e) => e.event === 'lead.assigned'));
    const seen = stream.events.filter((e) => e.event !== 'ready').map((e) => [e.event, e.data.lead.id]);
    expect(seen).toEqual([
      ['lead.status_changed', mine.id],
      ['lead.assigned', mine.id],
    ]);
    await stream.close();
  });

  test('without a token the stream is refused', async () => {
    expect((await t.request('acme.localhost', '/api/admin/events')).status).toBe(401);
  });

  test('a keep-alive comment is sent when idle, and closing the stream unsubscribes', async () => {
    // The route mounted alone with a short keep-alive, behind stand-ins for tenant and auth.
    const app = new Hono<AppEnv>()
      .use(async (c, next) => {
        c.set('deps', t.deps);
        c.set('tenant', acme);
        c.set('auth', { userId: owner.id, tenantId: acme.id, role: 'owner', email: owner.email });
        await next();
      })
      .route('/events', eventRoutes({ keepAliveMs: 30 }));
    const listeners = t.deps.bus.size;
    const stream = sseReader(await app.request('http://acme.localhost/events'));
    await stream.until(() => stream.comments.length >= 2, 1000);
    expect(stream.comments[0]).toBe(': keep-alive');
    expect(t.deps.bus.size).toBe(listeners + 1);
    await stream.close();
    await Bun.sleep(50);
    expect(t.deps.bus.size).toBe(listeners);
  });
});
