import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, eq } from 'drizzle-orm';
import { auditLogs, jobs, leads, messages, type Tenant } from '../../drizzle/schema';
import { createTenant, createTestApp, json, type TestApp } from '../helpers/app';
import { usingServer } from '../helpers/db';
import { insertCar } from './fixtures';

describe('POST /api/leads (storefront inquiries)', () => {
  let t: TestApp;
  let acme: Tenant;
  let other: Tenant;
  let carSlug: string;
  let draftSlug: string;
  let soldSlug: string;

  beforeAll(async () => {
    t = await createTestApp();
    acme = await createTenant(t.deps, { slug: 'acme' });
    other = await createTenant(t.deps, { slug: 'other' });
    carSlug = (await insertCar(t.db, acme.id, { brand: 'Toyota', model: 'Avanza', year: 2019, price: 175_000_000 }))
      .slug;
    draftSlug = (
      await insertCar(t.db, acme.id, { brand: 'Toyota', model: 'Rush', year: 2019, price: 1e8, status: 'draft' })
    ).slug;
    soldSlug = (
      await insertCar(t.db, acme.id, { brand: 'Honda', model: 'Jazz', year: 2017, price: 1e8, status: 'sold' })
    ).slug;
  }, 60_000);
  afterAll(() => t.close());

  const inquire = (body: Record<string, unknown>, host = 'acme.localhost') =>
    t.request(host, '/api/leads', { method: 'POST', json: body });

  const leadsOf = (tenantId: string, phone: string) =>
    t.db
      .select()
      .from(leads)
      .where(and(eq(leads.tenantId, tenantId), eq(leads.phone, phone)));

  test('an inquiry creates a lead with an inbound web message and a follow-up job', async () => {
    const res = await inquire({
      name: 'Budi',
      phone: '0812-1111-0001',
      email: 'Budi@Example.com',
      message: 'Avanza masih ada?',
    });
    expect(res.status).toBe(201);
    const { data } = await json(res);
    const [lead] = await leadsOf(acme.id, '+6281211110001');
    expect(data).toEqual({ id: lead!.id });
    expect(lead).toMatchObject({ name: 'Budi', email: 'budi@example.com', source: 'web', status: 'new' });
    expect(lead!.lastMessageAt).toBeInstanceOf(Date);
    const msgs = await t.db.select().from(messages).where(eq(messages.leadId, lead!.id));
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ direction: 'in', channel: 'web', status: 'received', body: 'Avanza masih ada?' });
    const queued = await t.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.tenantId, acme.id), eq(jobs.type, 'lead.follow_up')));
    expect(queued.map((j) => j.payload)).toContainEqual({ leadId: lead!.id, messageId: msgs[0]!.id });
    const audit = await t.db.select().from(auditLogs).where(eq(auditLogs.targetId, lead!.id));
    expect(audit.map((a) => a.action)).toEqual(['lead.created']);
  });

  test('the same person in another spelling joins the existing lead and moves lastMessageAt', async () => {
    const first = await json(await inquire({ name: 'Sari', phone: '081211110002', message: 'halo' }));
    const [before] = await leadsOf(acme.id, '+6281211110002');
    await Bun.sleep(5);
    for (const phone of ['6281211110002', '+62 812-1111-0002']) {
      const res = await inquire({ name: 'Someone Else', phone, message: `lagi dari ${phone}` });
      expect(res.status).toBe(201);
      expect((await json(res)).data.id).toBe(first.data.id);
    }
    const all = await leadsOf(acme.id, '+6281211110002');
    expect(all).toHaveLength(1);
    expect(all[0]!.name).toBe('Sari');
    expect(all[0]!.lastMessageAt!.getTime()).toBeGreaterThan(before!.lastMessageAt!.getTime());
    const msgs = await t.db.select().from(messages).where(eq(messages.leadId, first.data.id));
    expect(msgs).toHaveLength(3);
    const audit = await t.db.select().from(auditLogs).where(eq(auditLogs.targetId, first.data.id));
    expect(audit.map((a) => a.action).sort()).toEqual(['lead.created', 'lead.inquiry', 'lead.inquiry']);
  });

  test('a foreign + number is kept as that country', async () => {
    expect((await inquire({ name: 'Tom', phone: '+1 415 555 2671', message: 'hi' })).status).toBe(201);
    expect(await leadsOf(acme.id, '+14155552671')).toHaveLength(1);
  });

  test('the same phone at another dealership is another lead', async () => {
    await inquire({ name: 'Rina', phone: '081211110003', message: 'halo' });
    await inquire({ name: 'Rina', phone: '081211110003', message: 'halo' }, 'other.localhost');
    expect(await leadsOf(acme.id, '+6281211110003')).toHaveLength(1);
    expect(await leadsOf(other.id, '+6281211110003')).toHaveLength(1);
  });

  test('carSlug links the car of interest; a newer inquiry about another car replaces it', async () => {
    const res = await inquire({ name: 'Andi', phone: '081211110004', message: 'masih ada?', carSlug });
    expect(res.status).toBe(201);
    const [lead] = await leadsOf(acme.id, '+6281211110004');
    expect(lead!.carId).not.toBeNull();
    await inquire({ name: 'Andi', phone: '081211110004', message: 'kalau yang lain?' });
    expect((await leadsOf(acme.id, '+6281211110004'))[0]!.carId).toBe(lead!.carId);
  });

  test('an unknown, draft or sold car is 400 and stores nothing', async () => {
    for (const slug of ['no-such-car', draftSlug, soldSlug]) {
      const res = await inquire({ name: 'X', phone: '081211110005', message: 'hi', carSlug: slug });
      expect(res.status).toBe(400);
      const body = await json(res);
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.details[0].path).toBe('carSlug');
    }
    expect(await leadsOf(acme.id, '+6281211110005')).toHaveLength(0);
  });

  test('a phone that is not a phone number is 400 on the phone field', async () => {
    for (const phone of ['hello', '12', '0812', '+999 1234 5678']) {
      const res = await inquire({ name: 'X', phone, message: 'hi' });
      expect(res.status).toBe(400);
      const body = await json(res);
      expect({ phone, code: body.error.code, path: body.error.details[0].path }).toEqual({
        phone,
        code: 'validation_failed',
        path: 'phone',
      });
    }
  });

  test('missing or invalid fields are 400 listing every issue', async () => {
    const res = await inquire({ phone: '0812', email: 'nope', message: '' });
    expect(res.status).toBe(400);
    const paths = (await json(res)).error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['email', 'message', 'name', 'phone']);
  });

  test('name, phone and carSlug problems come back together in one 400', async () => {
    const res = await inquire({ name: ' ', phone: 'hello', message: 'hi', carSlug: 'no-such-car' });
    expect(res.status).toBe(400);
    const details = (await json(res)).error.details;
    expect(details.map((d: { path: string }) => d.path).sort()).toEqual(['carSlug', 'name', 'phone']);
  });

  test('a wrongly typed field is one detail line, not one per rule', async () => {
    const res = await inquire({ name: 'X', phone: [], message: 'hi' });
    expect(res.status).toBe(400);
    expect((await json(res)).error.details).toEqual([{ path: 'phone', message: expect.any(String) }]);
  });

  test('an empty email is no email', async () => {
    expect((await inquire({ name: 'E', phone: '081211110006', email: '', message: 'hi' })).status).toBe(201);
    expect((await leadsOf(acme.id, '+6281211110006'))[0]!.email).toBeNull();
  });

  test('a filled honeypot answers 201 with a plausible id and stores nothing', async () => {
    const countBefore = (await t.db.select().from(leads)).length;
    const jobsBefore = (await t.db.select().from(jobs)).length;
    for (const trap of [{ website: 'http://spam.example' }, { company: 'Spam Inc' }]) {
      const res = await inquire({ name: 'Bot', phone: '081211110007', message: 'buy now', ...trap });
      expect(res.status).toBe(201);
      const { data } = await json(res);
      expect(data.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    // Even invalid bot submissions look accepted.
    expect((await inquire({ website: 'x' })).status).toBe(201);
    expect((await t.db.select().from(leads)).length).toBe(countBefore);
    expect((await t.db.select().from(jobs)).length).toBe(jobsBefore);
  });

  test('an empty honeypot is a normal inquiry', async () => {
    expect((await inquire({ name: 'Human', phone: '081211110008', message: 'hi', website: '' })).status).toBe(201);
    expect(await leadsOf(acme.id, '+6281211110008')).toHaveLength(1);
  });

  test('unknown host is 404 tenant_not_found', async () => {
    const res = await inquire({ name: 'X', phone: '081211110009', message: 'hi' }, 'nobody.localhost');
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('tenant_not_found');
  });
});

// Races need real concurrent connections: registered only when the suite runs on a PostgreSQL server
// (npm run test:pg and CI), as tests/jobs/multi-process.test.ts does.
if (usingServer)
  describe('POST /api/leads under concurrency (PostgreSQL server)', () => {
    let t: TestApp;
    let acme: Tenant;
    beforeAll(async () => {
      t = await createTestApp();
      acme = await createTenant(t.deps, { slug: 'acme' });
    }, 60_000);
    afterAll(() => t.close());

    test('10 simultaneous first inquiries from one phone make one lead with 10 messages', async () => {
      const spellings = ['0812-2222-0001', '6281222220001', '+62 812 2222 0001'];
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          t.request('acme.localhost', '/api/leads', {
            method: 'POST',
            json: { name: `Buyer ${i}`, phone: spellings[i % 3], message: `pesan ${i}` },
          }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
      const ids = new Set(await Promise.all(responses.map(async (r) => (await json(r)).data.id)));
      expect(ids.size).toBe(1);
      const rows = await t.db.select().from(leads).where(eq(leads.tenantId, acme.id));
      expect(rows).toHaveLength(1);
      expect(rows[0]!.phone).toBe('+6281222220001');
      const msgs = await t.db.select().from(messages).where(eq(messages.leadId, rows[0]!.id));
      expect(msgs).toHaveLength(10);
      const created = await t.db
        .select()
        .from(auditLogs)
        .where(and(eq(auditLogs.targetId, rows[0]!.id), eq(auditLogs.action, 'lead.created')));
      expect(created).toHaveLength(1);
    });
  });
