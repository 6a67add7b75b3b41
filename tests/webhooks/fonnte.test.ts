// POST /webhook/fonnte: the token is the credential, the device must be the dealer's number, and each
// delivery is recorded once with its lead, message and follow-up job in one transaction.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, eq } from 'drizzle-orm';
import { integrations, jobs, leads, messages, tenants } from '../../drizzle/schema';
import { createTestApp, json, type TestApp } from '../helpers/app';
import { seedIntegration } from '../integrations-api/support';
import { counts, fonnteDealer, integrationRow } from './support';

const incoming = (overrides: Record<string, unknown> = {}) => ({
  device: '6281200000000',
  sender: '6281234567890',
  message: 'Halo, Avanza 2019 masih ada?',
  name: 'Budi',
  inboxid: '5501',
  timestamp: 1767225600,
  ...overrides,
});

describe('Fonnte webhook', () => {
  let t: TestApp;
  let acme: Awaited<ReturnType<typeof fonnteDealer>>;
  let other: Awaited<ReturnType<typeof fonnteDealer>>;
  beforeAll(async () => {
    t = await createTestApp();
    acme = await fonnteDealer(t, 'acme');
    other = await fonnteDealer(t, 'other', { deviceNumber: '6281300000000' });
  });
  afterAll(() => t.close());

  const post = (path: string, body: unknown, host = acme.host) => t.request(host, path, { method: 'POST', json: body });

  test('missing, wrong or another dealer token → 401 invalid_signature and nothing stored', async () => {
    const before = await counts(t.deps, acme.tenant.id);
    for (const path of ['/webhook/fonnte', '/webhook/fonnte?token=nope', other.path]) {
      const res = await post(path, incoming());
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect((await json(res)).error.code).toBe('invalid_signature');
    }
    expect(await counts(t.deps, acme.tenant.id)).toEqual(before);
  });

  test('a NUL character or a 100 000-deep structure → 400 validation_failed with its path, nothing stored', async () => {
    const before = await counts(t.deps, acme.tenant.id);
    const deep = `{"sender":"6281234567890","message":"hi","extra":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const form = new URLSearchParams({ ...incoming({ message: 'Halo\u0000' }), inboxid: '5599' } as never).toString();
    const cases = [
      { body: JSON.stringify(incoming({ name: 'Bu\u0000di' })), type: 'application/json', path: 'name' },
      { body: form, type: 'application/x-www-form-urlencoded', path: 'message' },
      { body: deep, type: 'application/json', path: `extra${'.0'.repeat(31)}` },
    ];
    for (const { body, type, path } of cases) {
      const res = await t.request(acme.host, acme.path, { method: 'POST', headers: { 'content-type': type }, body });
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      const error = (await json(res)).error;
      expect(error.code).toBe('validation_failed');
      expect(error.details.map((d: { path: string }) => d.path)).toEqual([path]);
    }
    expect(await counts(t.deps, acme.tenant.id)).toEqual(before);
  });

  test('a delivery for another device → 401 and nothing stored', async () => {
    const before = await counts(t.deps, acme.tenant.id);
    const res = await post(acme.path, incoming({ device: '6289999999999' }));
    expect(res.status).toBe(401);
    expect(await counts(t.deps, acme.tenant.id)).toEqual(before);
  });

  test('an incoming message → lead (whatsapp) + inbound message + lead.follow_up job', async () => {
    const res = await post(acme.path, incoming());
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ok: true, duplicate: false });

    const [lead] = await t.db.select().from(leads).where(eq(leads.tenantId, acme.tenant.id));
    expect(lead).toMatchObject({ phone: '+6281234567890', name: 'Budi', source: 'whatsapp' });
    const [message] = await t.db.select().from(messages).where(eq(messages.leadId, lead!.id));
    expect(message).toMatchObject({
      direction: 'in',
      channel: 'whatsapp',
      status: 'received',
      body: 'Halo, Avanza 2019 masih ada?',
      providerMessageId: '5501',
    });
    const [job] = await t.db.select().from(jobs).where(eq(jobs.tenantId, acme.tenant.id));
    expect(job).toMatchObject({ type: 'lead.follow_up', payload: { leadId: lead!.id, messageId: message!.id } });
  });

  test('the same event delivered 10 times (at once) → one lead, one message, one job', async () => {
    const before = await counts(t.deps, acme.tenant.id);
    const body = incoming({ inboxid: '7777', sender: '6285711112222', message: 'Fortuner ready?' });
    const answers = await Promise.all(Array.from({ length: 10 }, async () => json(await post(acme.path, body))));
    expect(answers.filter((a) => a.duplicate === false)).toHaveLength(1);
    expect(answers.filter((a) => a.duplicate === true)).toHaveLength(9);
    expect(await counts(t.deps, acme.tenant.id)).toEqual({
      events: before.events + 1,
      leads: before.leads + 1,
      messages: before.messages + 1,
      jobs: before.jobs + 1,
    });
  });

  test('form-encoded deliveries without inboxid are deduplicated on their content', async () => {
    const before = await counts(t.deps, acme.tenant.id);
    const form = new URLSearchParams({ device: '6281200000000', sender: '6281399998888', message: 'Harga nego?' });
    const send = () =>
      t.request(acme.host, acme.path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
    expect(await json(await send())).toEqual({ ok: true, duplicate: false });
    expect(await json(await send())).toEqual({ ok: true, duplicate: true });
    const after = await counts(t.deps, acme.tenant.id);
    expect(after.messages - before.messages).toBe(1);
    const [lead] = await t.db
      .select()
      .from(leads)
      .where(and(eq(leads.tenantId, acme.tenant.id), eq(leads.phone, '+6281399998888')));
    expect(lead?.source).toBe('whatsapp');
  });

  test('a known phone joins its lead; group messages and unknown bodies are acknowledged and ignored', async () => {
    const before = await counts(t.deps, acme.tenant.id);
    expect(await json(await post(acme.path, incoming({ inboxid: '5502', message: 'Bisa kredit?' })))).toEqual({
      ok: true,
      duplicate: false,
    });
    const after = await counts(t.deps, acme.tenant.id);
    expect(after.leads).toBe(before.leads);
    expect(after.messages).toBe(before.messages + 1);

    expect(await json(await post(acme.path, incoming({ sender: '120363000000@g.us', inboxid: '9' })))).toEqual({
      ok: true,
      ignored: true,
    });
    expect(await json(await post(acme.path, { hello: 'world' }))).toEqual({ ok: true, ignored: true });
    expect((await counts(t.deps, acme.tenant.id)).messages).toBe(after.messages);
  });

  test('message-status callbacks move an outbound message forward, never back', async () => {
    const [lead] = await t.db.select().from(leads).where(eq(leads.tenantId, acme.tenant.id)).limit(1);
    const [out] = await t.db
      .insert(messages)
      .values({
        tenantId: acme.tenant.id,
        leadId: lead!.id,
        direction: 'out',
        channel: 'whatsapp',
        body: 'Masih ada, Pak',
        status: 'sent',
        providerMessageId: '80367170',
      })
      .returning();
    const statusOf = async () => (await t.db.select().from(messages).where(eq(messages.id, out!.id)))[0]!.status;

    expect(await json(await post(acme.path, { device: '6281200000000', id: '80367170', status: 'delivered' }))).toEqual(
      { ok: true, duplicate: false },
    );
    expect(await statusOf()).toBe('delivered');
    await post(acme.path, { device: '6281200000000', id: '80367170', stateid: 'x1', state: 'read', status: 'sent' });
    expect(await statusOf()).toBe('read');
    expect(await json(await post(acme.path, { id: '80367170', status: 'delivered' }))).toEqual({
      ok: true,
      duplicate: true,
    });
    await post(acme.path, { id: '80367170', status: 'sent' });
    expect(await statusOf()).toBe('read');
    expect(await json(await post(acme.path, { id: '80367170', status: 'pending' }))).toEqual({
      ok: true,
      ignored: true,
    });
  });

  test('device-status callbacks: disconnect → disconnected with the reason, connect → active', async () => {
    const res = await post(acme.path, {
      device: '6281200000000',
      status: 'disconnect',
      reason: 'phone offline',
      timestamp: 1,
    });
    expect(await json(res)).toEqual({ ok: true, duplicate: false });
    expect(await integrationRow(t.deps, acme.integration.id)).toMatchObject({
      status: 'disconnected',
      errorMessage: 'WhatsApp device disconnected: phone offline',
    });
    await post(acme.path, { device: '6281200000000', status: 'connect', timestamp: 2 });
    const row = await integrationRow(t.deps, acme.integration.id);
    expect(row).toMatchObject({ status: 'active', errorMessage: null });
    expect(row.lastSyncAt).toBeInstanceOf(Date);

    // Without timestamps, identical callbacks later in the day still count.
    for (const status of ['disconnect', 'connect', 'disconnect']) {
      await post(acme.path, { device: '6281200000000', status });
    }
    expect((await integrationRow(t.deps, acme.integration.id)).status).toBe('disconnected');
    await post(acme.path, { device: '6281200000000', status: 'connect' });
  });

  test('with GoHighLevel connected, a new WhatsApp lead also queues ghl.sync_contact (once per lead)', async () => {
    await seedIntegration(t.deps, other.tenant, 'gohighlevel', { apiKey: 'pit-0123456789', locationId: 'loc-other' });
    for (const inboxid of ['a1', 'a2']) {
      await post(other.path, incoming({ device: '6281300000000', inboxid, sender: '6281277776666' }), other.host);
    }
    const queued = await t.db.select().from(jobs).where(eq(jobs.tenantId, other.tenant.id));
    expect(queued.map((j) => j.type).sort()).toEqual(['ghl.sync_contact', 'lead.follow_up', 'lead.follow_up']);
  });

  test('a suspended dealership answers 503 with Retry-After and stores nothing', async () => {
    await t.db.update(tenants).set({ status: 'suspended' }).where(eq(tenants.id, other.tenant.id));
    t.deps.tenants.invalidate(other.tenant.id);
    const before = await counts(t.deps, other.tenant.id);
    const res = await post(other.path, incoming({ device: '6281300000000', inboxid: 'z9' }), other.host);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect(await counts(t.deps, other.tenant.id)).toEqual(before);
    await t.db.update(tenants).set({ status: 'active' }).where(eq(tenants.id, other.tenant.id));
    t.deps.tenants.invalidate(other.tenant.id);
  });

  test('a dealership without a Fonnte integration → 401', async () => {
    await t.db.delete(integrations).where(eq(integrations.id, other.integration.id));
    expect((await post(other.path, incoming(), other.host)).status).toBe(401);
  });

  test('half an emoji (a lone surrogate) in a message is kept as U+FFFD, not refused: the message is not lost', async () => {
    // JSON.stringify writes a lone surrogate as the escape \ud83d, as a sender that cut the text would.
    const body = JSON.stringify(incoming({ sender: '6281234500077', message: 'Mau tanya \ud83d', inboxid: '5577' }));
    expect(body).toContain('\\ud83d');
    const res = await t.request(acme.host, acme.path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(200);
    const [message] = await t.db.select().from(messages).where(eq(messages.providerMessageId, '5577'));
    expect(message?.body).toBe('Mau tanya \ufffd');
  });
});
