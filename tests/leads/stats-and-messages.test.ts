import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, eq } from 'drizzle-orm';
import { auditLogs, jobs, messages, type Tenant, type User } from '../../drizzle/schema';
import { manualClock } from '../../src/lib/clock';
import { createTenant, createTestApp, createUser, json, type TestApp, tokenFor } from '../helpers/app';
import { insertLead } from './fixtures';

describe('lead stats and outbound messages', () => {
  let t: TestApp;
  let acme: Tenant;
  let owner: User;
  let sales: User;
  let sales2: User;
  const token: Record<string, string> = {};
  const clock = manualClock('2026-03-10T20:00:00Z'); // 2026-03-11 03:00 in Jakarta

  beforeAll(async () => {
    t = await createTestApp({ overrides: { clock } });
    acme = await createTenant(t.deps, { slug: 'acme' });
    owner = await createUser(t.deps, acme.id, { role: 'owner' });
    sales = await createUser(t.deps, acme.id, { role: 'sales' });
    sales2 = await createUser(t.deps, acme.id, { role: 'sales' });
    token.owner = await tokenFor(t.deps, owner);
    token.sales = await tokenFor(t.deps, sales);
    const at = (iso: string) => new Date(iso);
    // 2026-03-01 23:30 UTC is 2026-03-02 06:30 in Jakarta: it counts on the 2nd.
    await insertLead(t.db, acme.id, { createdAt: at('2026-03-01T23:30:00Z'), status: 'hot', source: 'whatsapp' });
    await insertLead(t.db, acme.id, { createdAt: at('2026-03-01T10:00:00Z'), status: 'new', source: 'web' });
    await insertLead(t.db, acme.id, {
      createdAt: at('2026-03-04T01:00:00Z'),
      status: 'new',
      source: 'web',
      assignedTo: sales.id,
    });
    await insertLead(t.db, acme.id, {
      createdAt: at('2026-03-04T02:00:00Z'),
      status: 'lost',
      source: 'ghl',
      assignedTo: sales2.id,
    });
    await insertLead(t.db, acme.id, { createdAt: at('2026-02-20T02:00:00Z'), status: 'closed', source: 'manual' });
    await insertLead(t.db, acme.id, { createdAt: at('2026-03-10T18:00:00Z'), status: 'new', source: 'web' });
  }, 60_000);
  afterAll(() => t.close());

  const get = (path: string, who = 'owner') => t.request('acme.localhost', path, { token: token[who] });

  describe('GET /api/admin/leads/stats', () => {
    test('totals by status and source and per-day counts in the tenant time zone, zero days filled', async () => {
      const res = await get('/api/admin/leads/stats?from=2026-03-01&to=2026-03-05');
      expect(res.status).toBe(200);
      const { data } = await json(res);
      expect(data.total).toBe(4);
      expect(data.byStatus).toEqual({ new: 2, hot: 1, warm: 0, cold: 0, closed: 0, lost: 1 });
      expect(data.bySource).toEqual({ whatsapp: 1, ghl: 1, web: 2, manual: 0 });
      expect(data.perDay).toEqual([
        { date: '2026-03-01', count: 1 },
        { date: '2026-03-02', count: 1 },
        { date: '2026-03-03', count: 0 },
        { date: '2026-03-04', count: 2 },
        { date: '2026-03-05', count: 0 },
      ]);
    });

    test('defaults to the 30 days ending today in the tenant time zone', async () => {
      const { data } = await json(await get('/api/admin/leads/stats'));
      expect(data.to).toBe('2026-03-11');
      expect(data.from).toBe('2026-02-10');
      expect(data.perDay).toHaveLength(30);
      expect(data.total).toBe(6);
      expect(data.perDay.at(-1)).toEqual({ date: '2026-03-11', count: 1 });
    });

    test('from/to also take date-times: exact instants, perDay over the tenant-time-zone days they span', async () => {
      // 2026-03-01T23:00Z is 06:00 on the 2nd in Jakarta; 2026-03-04T01:30Z is 08:30 on the 4th.
      const res = await get('/api/admin/leads/stats?from=2026-03-01T23:00:00Z&to=2026-03-04T08:30:00%2B07:00');
      expect(res.status).toBe(200);
      const { data } = await json(res);
      expect(data.total).toBe(2);
      expect(data.perDay).toEqual([
        { date: '2026-03-02', count: 1 },
        { date: '2026-03-03', count: 0 },
        { date: '2026-03-04', count: 1 },
      ]);
      const reversed = await get('/api/admin/leads/stats?from=2026-03-04T10:00:00Z&to=2026-03-04T09:00:00Z');
      expect(reversed.status).toBe(400);
    });

    test('sales count only their own and unassigned leads', async () => {
      const { data } = await json(await get('/api/admin/leads/stats?from=2026-03-01&to=2026-03-05', 'sales'));
      expect(data.total).toBe(3);
      expect(data.byStatus.lost).toBe(0);
    });

    test('bad or reversed ranges are 400', async () => {
      for (const q of [
        'from=2026-03-05&to=2026-03-01',
        'from=2024-01-01&to=2026-03-01',
        'from=yesterday',
        'to=2026-02-30',
      ]) {
        const res = await get(`/api/admin/leads/stats?${q}`);
        expect({ q, status: res.status }).toEqual({ q, status: 400 });
      }
    });

    test('dates outside the years 1900–9998 are 400 naming the field (they overflowed the day arithmetic: 500)', async () => {
      for (const [q, field] of [
        ['to=9999-12-31', 'to'],
        ['to=9999-12-31T23:59:59.999-23:59', 'to'],
        ['to=0000-01-01T00:00:00%2B14:00', 'to'],
        ['from=1899-12-31&to=1900-01-02', 'from'],
      ] as const) {
        for (const path of ['/api/admin/leads/stats', '/api/admin/leads', '/api/admin/audit-logs']) {
          const res = await get(`${path}?${q}`);
          const error = (await json(res)).error;
          expect({ path, q, status: res.status, fields: error?.details?.map((d: { path: string }) => d.path) }).toEqual(
            {
              path,
              q,
              status: 400,
              fields: [field],
            },
          );
        }
      }
      expect((await get('/api/admin/leads/stats?from=9998-12-01&to=9998-12-31')).status).toBe(200);
    });
  });

  describe('POST /api/admin/leads/:id/messages', () => {
    test('a reply is stored queued with a whatsapp.send job: 202 with both ids; audited', async () => {
      const lead = await insertLead(t.db, acme.id);
      const res = await t.request('acme.localhost', `/api/admin/leads/${lead.id}/messages`, {
        method: 'POST',
        token: token.owner,
        json: { body: 'Halo, unitnya masih ada.' },
      });
      expect(res.status).toBe(202);
      const { data } = await json(res);
      expect(data.message).toMatchObject({ leadId: lead.id, direction: 'out', channel: 'whatsapp', status: 'queued' });
      const [job] = await t.db.select().from(jobs).where(eq(jobs.id, data.jobId));
      expect(job).toMatchObject({ type: 'whatsapp.send', tenantId: acme.id, payload: { messageId: data.message.id } });
      const [stored] = await t.db.select().from(messages).where(eq(messages.id, data.message.id));
      expect(stored!.authorId).toBe(owner.id);
      const audit = await t.db.select().from(auditLogs).where(eq(auditLogs.targetId, data.message.id));
      expect(audit.map((a) => a.action)).toEqual(['message.queued']);
    });

    test('an internal note is stored and never sent: 201, no job', async () => {
      const lead = await insertLead(t.db, acme.id);
      const before = (await t.db.select().from(jobs).where(eq(jobs.type, 'whatsapp.send'))).length;
      const res = await t.request('acme.localhost', `/api/admin/leads/${lead.id}/messages`, {
        method: 'POST',
        token: token.sales,
        json: { body: 'Prefers afternoon calls', channel: 'note' },
      });
      expect(res.status).toBe(201);
      const { data } = await json(res);
      expect(data.jobId).toBeNull();
      expect(data.message).toMatchObject({ channel: 'note', direction: 'out' });
      expect((await t.db.select().from(jobs).where(eq(jobs.type, 'whatsapp.send'))).length).toBe(before);
      const audit = await t.db
        .select()
        .from(auditLogs)
        .where(and(eq(auditLogs.targetId, data.message.id)));
      expect(audit.map((a) => a.action)).toEqual(['lead.note_added']);
    });

    test('empty body or unknown channel is 400; a lead without phone cannot be messaged (409)', async () => {
      const lead = await insertLead(t.db, acme.id);
      const post = (json: unknown, id = lead.id) =>
        t.request('acme.localhost', `/api/admin/leads/${id}/messages`, { method: 'POST', token: token.owner, json });
      expect((await post({ body: '  ' })).status).toBe(400);
      expect((await post({ body: 'hi', channel: 'sms' })).status).toBe(400);
      const phoneless = await insertLead(t.db, acme.id, { phone: null, source: 'ghl' });
      const res = await post({ body: 'hi' }, phoneless.id);
      expect(res.status).toBe(409);
      expect((await json(res)).error.code).toBe('conflict');
      expect((await post({ body: 'a note is fine', channel: 'note' }, phoneless.id)).status).toBe(201);
    });

    test("sales cannot message another salesperson's lead", async () => {
      const lead = await insertLead(t.db, acme.id, { assignedTo: sales2.id });
      const res = await t.request('acme.localhost', `/api/admin/leads/${lead.id}/messages`, {
        method: 'POST',
        token: token.sales,
        json: { body: 'hi' },
      });
      expect(res.status).toBe(404);
    });
  });
});
