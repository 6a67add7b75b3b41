// POST /webhook/ghl: authenticity over the raw bytes (Ed25519, legacy RSA, workflow HMAC), stale and
// repeated deliveries, contacts → leads and conversation messages → messages on that lead.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, eq, sql } from 'drizzle-orm';
import { jobs, leads, messages, tenants } from '../../drizzle/schema';
import { createTenant, json, type TestApp } from '../helpers/app';
import { seedConnectedIntegration } from '../integrations-api/support';
import { counts, createWebhookTestApp, hmacHex, otherEd, signEd25519, signRsa } from './support';

const LOCATION = 've9EPM428h8vShlRW1KT';
const WEBHOOK_SECRET = 'workflow-secret-0123456789abcdef';

describe('GoHighLevel webhook', () => {
  let t: TestApp;
  let tenantId: string;
  let seq = 0;
  beforeAll(async () => {
    t = await createWebhookTestApp();
    const tenant = await createTenant(t.deps, { slug: 'acme' });
    tenantId = tenant.id;
    await seedConnectedIntegration(t.deps, tenant, 'gohighlevel', {
      apiKey: 'pit-0123456789abcdef',
      locationId: LOCATION,
      webhookSecret: WEBHOOK_SECRET,
    });
  });
  afterAll(() => t.close());

  const contact = (overrides: Record<string, unknown> = {}) => ({
    type: 'ContactCreate',
    locationId: LOCATION,
    id: 'contact_1',
    firstName: 'Siti',
    lastName: 'Rahma',
    email: 'Siti@Example.com',
    phone: '0812-5555-6666',
    tags: ['fb-ads'],
    webhookId: `wh_${++seq}`,
    timestamp: new Date().toISOString(),
    ...overrides,
  });

  /** Sends exactly these bytes; `sign` chooses the header. */
  const deliver = (
    body: unknown,
    sign: 'ed25519' | 'rsa' | 'hmac' | 'none' | 'forged' = 'ed25519',
    host = 'localhost',
  ) => {
    const raw = JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (sign === 'ed25519') headers['x-ghl-signature'] = signEd25519(raw);
    if (sign === 'forged') headers['x-ghl-signature'] = signEd25519(raw, otherEd.privateKey);
    if (sign === 'rsa') headers['x-wh-signature'] = signRsa(raw);
    if (sign === 'hmac') headers['x-webhook-signature'] = hmacHex(raw, WEBHOOK_SECRET);
    return t.request(host, '/webhook/ghl', { method: 'POST', headers, body: raw });
  };

  test('missing or forged signature → 401 invalid_signature and nothing stored', async () => {
    const before = await counts(t.deps, tenantId);
    for (const sign of ['none', 'forged'] as const) {
      const res = await deliver(contact(), sign);
      expect({ sign, status: res.status }).toEqual({ sign, status: 401 });
      expect((await json(res)).error.code).toBe('invalid_signature');
    }
    // A valid signature over other bytes (re-serialised JSON) does not count either.
    const raw = JSON.stringify(contact());
    const res = await t.request('localhost', '/webhook/ghl', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ghl-signature': signEd25519(raw) },
      body: raw.replace('Siti', 'Sita'),
    });
    expect(res.status).toBe(401);
    const hmac = await t.request('localhost', '/webhook/ghl', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-signature': hmacHex(raw, 'not-the-secret-000000') },
      body: raw,
    });
    expect(hmac.status).toBe(401);
    expect(await counts(t.deps, tenantId)).toEqual(before);
  });

  test('ContactCreate (on any host) → lead with source ghl and the contact id; no sync back', async () => {
    const res = await deliver(contact(), 'ed25519', 'whatever.example');
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ok: true, duplicate: false });
    const [lead] = await t.db.select().from(leads).where(eq(leads.tenantId, tenantId));
    expect(lead).toMatchObject({
      name: 'Siti Rahma',
      email: 'siti@example.com',
      phone: '+6281255556666',
      source: 'ghl',
      externalIds: { ghlContactId: 'contact_1' },
    });
    expect(await t.db.select().from(jobs).where(eq(jobs.tenantId, tenantId))).toEqual([]);
  });

  test('the same ContactCreate delivered 10 times → one lead', async () => {
    const body = contact({ id: 'contact_2', phone: '+6281277778888', email: 'b@example.com' });
    const answers = await Promise.all(Array.from({ length: 10 }, async () => json(await deliver(body))));
    expect(answers.filter((a) => a.duplicate === false)).toHaveLength(1);
    const rows = await t.db
      .select()
      .from(leads)
      .where(and(eq(leads.tenantId, tenantId), sql`${leads.externalIds}->>'ghlContactId' = 'contact_2'`));
    expect(rows).toHaveLength(1);
  });

  test('the same InboundMessage delivered 10 times → one message, one follow-up job', async () => {
    const before = await counts(t.deps, tenantId);
    const body = {
      type: 'InboundMessage',
      locationId: LOCATION,
      contactId: 'contact_1',
      conversationId: 'conv_1',
      messageId: 'msg_1',
      body: 'Is the Fortuner still available?',
      messageType: 'SMS',
      direction: 'inbound',
      webhookId: 'wh_inbound_1',
      timestamp: new Date().toISOString(),
    };
    const answers = await Promise.all(Array.from({ length: 10 }, async () => json(await deliver(body))));
    expect(answers.filter((a) => a.duplicate === true)).toHaveLength(9);
    expect(await counts(t.deps, tenantId)).toEqual({
      events: before.events + 1,
      leads: before.leads,
      messages: before.messages + 1,
      jobs: before.jobs + 1,
    });
    const [message] = await t.db.select().from(messages).where(eq(messages.providerMessageId, 'msg_1'));
    expect(message).toMatchObject({ direction: 'in', channel: 'ghl', status: 'received' });
    const [job] = await t.db.select().from(jobs).where(eq(jobs.tenantId, tenantId));
    expect(job).toMatchObject({ type: 'lead.follow_up', payload: { messageId: message!.id } });
  });

  test('OutboundMessage → outbound message; a message for an unknown contact creates its lead', async () => {
    const res = await deliver({
      type: 'OutboundMessage',
      locationId: LOCATION,
      contactId: 'contact_new',
      messageId: 'msg_2',
      body: 'Yes, come by on Saturday',
      status: 'delivered',
      webhookId: 'wh_out_1',
    });
    expect(await json(res)).toEqual({ ok: true, duplicate: false });
    const [message] = await t.db.select().from(messages).where(eq(messages.providerMessageId, 'msg_2'));
    expect(message).toMatchObject({ direction: 'out', channel: 'ghl', status: 'delivered' });
    const [lead] = await t.db.select().from(leads).where(eq(leads.id, message!.leadId));
    expect(lead).toMatchObject({ phone: null, source: 'ghl', externalIds: { ghlContactId: 'contact_new' } });
  });

  test('ContactUpdate (envelope form too) updates the linked lead', async () => {
    await deliver({
      type: 'contact.updated',
      source: 'workflow',
      webhookId: 'wh_env_1',
      payload: { contact: { id: 'contact_new', locationId: LOCATION, name: 'Andi Wijaya', phone: '081299990000' } },
    });
    const [lead] = await t.db.select().from(leads).where(sql`${leads.externalIds}->>'ghlContactId' = 'contact_new'`);
    expect(lead).toMatchObject({ name: 'Andi Wijaya', phone: '+6281299990000' });
  });

  test('legacy RSA x-wh-signature and workflow HMAC x-webhook-signature are accepted', async () => {
    expect(await json(await deliver(contact({ id: 'contact_rsa', phone: '+6281311112222' }), 'rsa'))).toEqual({
      ok: true,
      duplicate: false,
    });
    expect(await json(await deliver(contact({ id: 'contact_hmac', phone: '+6281311113333' }), 'hmac'))).toEqual({
      ok: true,
      duplicate: false,
    });
  });

  test('without a configured RSA key, x-wh-signature is refused', async () => {
    const strict = await createWebhookTestApp({ GHL_RSA_PUBLIC_KEY: '' });
    try {
      const raw = JSON.stringify(contact());
      const res = await strict.request('localhost', '/webhook/ghl', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wh-signature': signRsa(raw) },
        body: raw,
      });
      expect(res.status).toBe(401);
    } finally {
      await strict.close();
    }
  });

  test('a NUL character or a 100 000-deep structure → 400 validation_failed with its path, nothing stored', async () => {
    const before = await counts(t.deps, tenantId);
    const nul = await deliver(contact({ id: 'contact_nul', firstName: 'Si\u0000ti' }));
    expect(nul.status).toBe(400);
    expect((await json(nul)).error).toMatchObject({ code: 'validation_failed', details: [{ path: 'firstName' }] });

    const head = JSON.stringify(contact({ id: 'contact_deep' })).slice(0, -1);
    const raw = `${head},"customData":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const deep = await t.request('localhost', '/webhook/ghl', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ghl-signature': signEd25519(raw) },
      body: raw,
    });
    expect(deep.status).toBe(400);
    const error = (await json(deep)).error;
    expect(error.code).toBe('validation_failed');
    expect(error.details[0].path).toStartWith('customData.0.0');
    expect(await counts(t.deps, tenantId)).toEqual(before);
  });

  test('a stale or far-future timestamp → 401, nothing stored', async () => {
    const before = await counts(t.deps, tenantId);
    for (const offset of [-6 * 60_000, 10 * 60_000]) {
      const res = await deliver(contact({ id: 'late', timestamp: new Date(Date.now() + offset).toISOString() }));
      expect({ offset, status: res.status }).toEqual({ offset, status: 401 });
    }
    expect(await counts(t.deps, tenantId)).toEqual(before);
  });

  test('unknown location or event type → 200 ignored; a known type missing its fields → 400', async () => {
    expect(await json(await deliver(contact({ locationId: 'someone-else' })))).toEqual({ ok: true, ignored: true });
    expect(await json(await deliver({ type: 'OpportunityCreate', locationId: LOCATION, id: 'o1' }))).toEqual({
      ok: true,
      ignored: true,
    });
    const bad = await deliver({ type: 'InboundMessage', locationId: LOCATION, body: 'no contact' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe('validation_failed');
  });

  test('a suspended dealership → 503 with Retry-After', async () => {
    await t.db.update(tenants).set({ status: 'suspended' }).where(eq(tenants.id, tenantId));
    const res = await deliver(contact({ id: 'contact_s' }));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
    await t.db.update(tenants).set({ status: 'active' }).where(eq(tenants.id, tenantId));
  });
});
