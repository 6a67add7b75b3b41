import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { auditLogs, type Lead, type Tenant, type User } from '../../drizzle/schema';
import { insertMessage } from '../../src/repositories/messages';
import { createTenant, createTestApp, createUser, json, type TestApp, tokenFor } from '../helpers/app';
import { insertCar, insertLead } from './fixtures';

describe('admin leads API', () => {
  let t: TestApp;
  let acme: Tenant;
  let other: Tenant;
  let owner: User;
  let sales: User;
  let sales2: User;
  let otherUser: User;
  const token: Record<string, string> = {};
  let mine: Lead;
  let theirs: Lead;
  let open: Lead;
  let carId: string;

  beforeAll(async () => {
    t = await createTestApp();
    acme = await createTenant(t.deps, { slug: 'acme' });
    other = await createTenant(t.deps, { slug: 'other' });
    owner = await createUser(t.deps, acme.id, { role: 'owner' });
    sales = await createUser(t.deps, acme.id, { role: 'sales' });
    sales2 = await createUser(t.deps, acme.id, { role: 'sales' });
    otherUser = await createUser(t.deps, other.id, { role: 'sales' });
    token.owner = await tokenFor(t.deps, owner);
    token.sales = await tokenFor(t.deps, sales);
    token.sales2 = await tokenFor(t.deps, sales2);
    carId = (await insertCar(t.db, acme.id, { brand: 'Toyota', model: 'Avanza', year: 2019, price: 175_000_000 })).id;
    const at = (d: string) => new Date(d);
    mine = await insertLead(t.db, acme.id, {
      name: 'Budi Santoso',
      phone: '+6281234560001',
      email: 'budi@example.com',
      assignedTo: sales.id,
      status: 'hot',
      source: 'whatsapp',
      score: 80,
      tags: ['vip'],
      createdAt: at('2026-02-01T03:00:00Z'),
      lastMessageAt: at('2026-02-03T00:00:00Z'),
    });
    theirs = await insertLead(t.db, acme.id, {
      name: 'Citra',
      phone: '+6281234560002',
      assignedTo: sales2.id,
      status: 'warm',
      source: 'ghl',
      score: 40,
      carId,
      createdAt: at('2026-02-02T03:00:00Z'),
      lastMessageAt: at('2026-02-02T04:00:00Z'),
    });
    open = await insertLead(t.db, acme.id, {
      name: 'Anton',
      phone: '+6281299990003',
      source: 'web',
      score: 10,
      tags: ['trade-in'],
      createdAt: at('2026-02-03T03:00:00Z'),
      lastMessageAt: at('2026-02-04T00:00:00Z'),
    });
    await insertLead(t.db, other.id, { name: 'Foreign', phone: '+6281234560001' });
  }, 60_000);
  afterAll(() => t.close());

  const get = (path: string, who = 'owner') => t.request('acme.localhost', path, { token: token[who] });
  const send = (method: string, path: string, body: unknown, who = 'owner') =>
    t.request('acme.localhost', path, { method, json: body, token: token[who] });
  const names = async (res: Response) => (await json(res)).data.map((l: Lead) => l.name);

  describe('list', () => {
    test('owners see every lead of their tenant, newest first, in the contract shape', async () => {
      const res = await get('/api/admin/leads');
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(body.data.map((l: Lead) => l.name)).toEqual(['Anton', 'Citra', 'Budi Santoso']);
      expect(body.meta).toEqual({ page: 1, limit: 20, total: 3, totalPages: 1 });
      expect(Object.keys(body.data[2]).sort()).toEqual(
        [
          'id',
          'name',
          'phone',
          'email',
          'source',
          'status',
          'score',
          'assignedTo',
          'tags',
          'carId',
          'notes',
          'externalIds',
          'lastMessageAt',
          'createdAt',
          'updatedAt',
        ].sort(),
      );
      expect(body.data[2]).toMatchObject({
        phone: '+6281234560001',
        tags: ['vip'],
        createdAt: '2026-02-01T03:00:00.000Z',
      });
    });

    test('filters: status, source, assignedTo (id, me, none), tag, carId', async () => {
      expect(await names(await get('/api/admin/leads?status=hot'))).toEqual(['Budi Santoso']);
      expect(await names(await get('/api/admin/leads?source=ghl'))).toEqual(['Citra']);
      expect(await names(await get(`/api/admin/leads?assignedTo=${sales2.id}`))).toEqual(['Citra']);
      expect(await names(await get('/api/admin/leads?assignedTo=me', 'sales'))).toEqual(['Budi Santoso']);
      expect(await names(await get('/api/admin/leads?assignedTo=none'))).toEqual(['Anton']);
      expect(await names(await get('/api/admin/leads?tag=VIP'))).toEqual(['Budi Santoso']);
      expect(await names(await get(`/api/admin/leads?carId=${carId}`))).toEqual(['Citra']);
    });

    test('q searches name, email and phone (also as typed locally)', async () => {
      expect(await names(await get('/api/admin/leads?q=santoso'))).toEqual(['Budi Santoso']);
      expect(await names(await get('/api/admin/leads?q=budi%40example'))).toEqual(['Budi Santoso']);
      expect(await names(await get('/api/admin/leads?q=0812-9999'))).toEqual(['Anton']);
      expect(await names(await get('/api/admin/leads?q=%25'))).toEqual([]);
    });

    test('date range: a date is a whole day in the tenant time zone', async () => {
      // Budi was created 2026-02-01 10:00 in Jakarta.
      expect(await names(await get('/api/admin/leads?from=2026-02-01&to=2026-02-01'))).toEqual(['Budi Santoso']);
      expect(await names(await get('/api/admin/leads?from=2026-02-02'))).toEqual(['Anton', 'Citra']);
      expect(await names(await get('/api/admin/leads?to=2026-02-01T12:00:00Z'))).toEqual(['Budi Santoso']);
    });

    test('sorts and paging', async () => {
      expect(await names(await get('/api/admin/leads?sort=oldest'))).toEqual(['Budi Santoso', 'Citra', 'Anton']);
      expect(await names(await get('/api/admin/leads?sort=score'))).toEqual(['Budi Santoso', 'Citra', 'Anton']);
      expect(await names(await get('/api/admin/leads?sort=last_message'))).toEqual(['Anton', 'Budi Santoso', 'Citra']);
      expect(await names(await get('/api/admin/leads?sort=name'))).toEqual(['Anton', 'Budi Santoso', 'Citra']);
      const page2 = await json(await get('/api/admin/leads?sort=name&limit=2&page=2'));
      expect(page2.data.map((l: Lead) => l.name)).toEqual(['Citra']);
      expect(page2.meta).toEqual({ page: 2, limit: 2, total: 3, totalPages: 2 });
    });

    test('bad filters are 400 listing each', async () => {
      const res = await get('/api/admin/leads?status=nope&assignedTo=bob&limit=101&from=yesterday&sort=random');
      expect(res.status).toBe(400);
      const paths = (await json(res)).error.details.map((d: { path: string }) => d.path).sort();
      expect(paths).toEqual(['assignedTo', 'from', 'limit', 'sort', 'status']);
    });

    test('sales see only their own and unassigned leads', async () => {
      expect(await names(await get('/api/admin/leads', 'sales'))).toEqual(['Anton', 'Budi Santoso']);
      expect(await names(await get(`/api/admin/leads?assignedTo=${sales2.id}`, 'sales'))).toEqual([]);
    });
  });

  describe('detail', () => {
    test('includes qualification and messages oldest first', async () => {
      for (const body of ['first', 'second', 'third']) {
        await insertMessage({
          db: t.db,
          message: {
            tenantId: acme.id,
            leadId: mine.id,
            direction: 'in',
            channel: 'whatsapp',
            body,
            status: 'received',
          },
        });
      }
      const res = await get(`/api/admin/leads/${mine.id}`);
      expect(res.status).toBe(200);
      const { data } = await json(res);
      expect(data.qualification).toBeNull();
      expect(data.messages.map((m: { body: string }) => m.body)).toEqual(['first', 'second', 'third']);
      expect(Object.keys(data.messages[0]).sort()).toEqual(
        ['id', 'leadId', 'direction', 'channel', 'body', 'status', 'providerMessageId', 'createdAt'].sort(),
      );
    });

    test("another salesperson's lead is 404 for sales; an unassigned one is visible", async () => {
      expect((await get(`/api/admin/leads/${theirs.id}`, 'sales')).status).toBe(404);
      expect((await get(`/api/admin/leads/${open.id}`, 'sales')).status).toBe(200);
    });

    test('a malformed id is 400', async () => {
      expect((await get('/api/admin/leads/not-a-uuid')).status).toBe(400);
    });
  });

  describe('update', () => {
    test('edits name, email, tags, notes and car; audited', async () => {
      const lead = await insertLead(t.db, acme.id);
      const res = await send('PATCH', `/api/admin/leads/${lead.id}`, {
        name: 'Dewi',
        email: 'Dewi@Example.com',
        tags: ['VIP', 'kredit', 'vip'],
        notes: 'Calls after 5pm',
        carId,
      });
      expect(res.status).toBe(200);
      expect((await json(res)).data).toMatchObject({
        name: 'Dewi',
        email: 'dewi@example.com',
        tags: ['vip', 'kredit'],
        notes: 'Calls after 5pm',
        carId,
      });
      const cleared = await json(await send('PATCH', `/api/admin/leads/${lead.id}`, { carId: null, notes: null }));
      expect(cleared.data).toMatchObject({ carId: null, notes: null });
      const audit = await t.db.select().from(auditLogs).where(eq(auditLogs.targetId, lead.id));
      expect(audit.map((a) => a.action)).toEqual(['lead.updated', 'lead.updated']);
      expect(audit[0]!.actorId).toBe(owner.id);
    });

    test('unknown fields, an empty body and another tenant\u2019s car are 400', async () => {
      const otherCar = await insertCar(t.db, other.id, { brand: 'Honda', model: 'Brio', year: 2020, price: 1e8 });
      expect((await send('PATCH', `/api/admin/leads/${open.id}`, { phone: '+6281' })).status).toBe(400);
      expect((await send('PATCH', `/api/admin/leads/${open.id}`, {})).status).toBe(400);
      const res = await send('PATCH', `/api/admin/leads/${open.id}`, { carId: otherCar.id });
      expect(res.status).toBe(400);
      expect((await json(res)).error.details[0].path).toBe('carId');
    });

    test("sales can edit their own lead but not another salesperson's", async () => {
      expect((await send('PATCH', `/api/admin/leads/${mine.id}`, { notes: 'mine' }, 'sales')).status).toBe(200);
      expect((await send('PATCH', `/api/admin/leads/${theirs.id}`, { notes: 'nope' }, 'sales')).status).toBe(404);
    });
  });

  describe('assign', () => {
    test('admins assign to a user of the same tenant and unassign with null; audited with from/to', async () => {
      const lead = await insertLead(t.db, acme.id);
      const res = await send('PUT', `/api/admin/leads/${lead.id}/assign`, { userId: sales2.id });
      expect(res.status).toBe(200);
      expect((await json(res)).data.assignedTo).toBe(sales2.id);
      const un = await send('PUT', `/api/admin/leads/${lead.id}/assign`, { userId: null });
      expect((await json(un)).data.assignedTo).toBeNull();
      const audit = await t.db.select().from(auditLogs).where(eq(auditLogs.targetId, lead.id));
      expect(audit.map((a) => [a.action, a.metadata])).toEqual([
        ['lead.assigned', { from: null, to: sales2.id }],
        ['lead.assigned', { from: sales2.id, to: null }],
      ]);
    });

    test('a user of another tenant, or an unknown one, is 400', async () => {
      for (const userId of [otherUser.id, '00000000-0000-7000-8000-000000000001']) {
        const res = await send('PUT', `/api/admin/leads/${open.id}/assign`, { userId });
        expect(res.status).toBe(400);
        expect((await json(res)).error.details[0].path).toBe('userId');
      }
    });

    test('sales can take an unassigned lead for themselves', async () => {
      const lead = await insertLead(t.db, acme.id);
      const res = await send('PUT', `/api/admin/leads/${lead.id}/assign`, { userId: sales.id }, 'sales');
      expect(res.status).toBe(200);
      expect((await json(res)).data.assignedTo).toBe(sales.id);
      // Now it is theirs: the other salesperson can no longer see it.
      expect((await send('PUT', `/api/admin/leads/${lead.id}/assign`, { userId: sales2.id }, 'sales2')).status).toBe(
        404,
      );
    });

    test('sales cannot give a lead to someone else, release it, or reassign another\u2019s', async () => {
      const lead = await insertLead(t.db, acme.id);
      expect((await send('PUT', `/api/admin/leads/${lead.id}/assign`, { userId: sales2.id }, 'sales')).status).toBe(
        403,
      );
      expect((await send('PUT', `/api/admin/leads/${mine.id}/assign`, { userId: null }, 'sales')).status).toBe(403);
      expect((await send('PUT', `/api/admin/leads/${theirs.id}/assign`, { userId: sales.id }, 'sales')).status).toBe(
        404,
      );
    });
  });

  describe('status', () => {
    test('sets the status; audited; same status is a no-op', async () => {
      const lead = await insertLead(t.db, acme.id);
      const res = await send('PUT', `/api/admin/leads/${lead.id}/status`, { status: 'closed' });
      expect(res.status).toBe(200);
      expect((await json(res)).data.status).toBe('closed');
      await send('PUT', `/api/admin/leads/${lead.id}/status`, { status: 'closed' });
      const audit = await t.db.select().from(auditLogs).where(eq(auditLogs.targetId, lead.id));
      expect(audit.map((a) => [a.action, a.metadata])).toEqual([
        ['lead.status_changed', { from: 'new', to: 'closed' }],
      ]);
    });

    test('an unknown status is 400; sales cannot touch another salesperson\u2019s lead', async () => {
      expect((await send('PUT', `/api/admin/leads/${open.id}/status`, { status: 'won' })).status).toBe(400);
      expect((await send('PUT', `/api/admin/leads/${theirs.id}/status`, { status: 'lost' }, 'sales')).status).toBe(404);
      expect((await send('PUT', `/api/admin/leads/${open.id}/status`, { status: 'warm' }, 'sales')).status).toBe(200);
    });
  });
});
