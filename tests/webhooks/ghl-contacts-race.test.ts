// One lead per GoHighLevel contact, enforced by the unique contact index: concurrent deliveries for a new
// contact (without a phone, or linking a phone lead) meet there instead of making two leads.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, eq, sql } from 'drizzle-orm';
import { leads, messages } from '../../drizzle/schema';
import { setGhlContactId, upsertCrmLead } from '../../src/repositories/ghl-leads';
import { upsertLeadByPhone } from '../../src/repositories/leads';
import { createTenant, json, type TestApp } from '../helpers/app';
import { usingServer } from '../helpers/db';
import { seedConnectedIntegration } from '../integrations-api/support';
import { createWebhookTestApp, signEd25519 } from './support';

const LOCATION = 'raceLocation00000001';

let t: TestApp;
let tenantId: string;
let seq = 0;
beforeAll(async () => {
  t = await createWebhookTestApp();
  const tenant = await createTenant(t.deps, { slug: 'racer' });
  tenantId = tenant.id;
  await seedConnectedIntegration(t.deps, tenant, 'gohighlevel', {
    apiKey: 'pit-0123456789abcdef',
    locationId: LOCATION,
  });
}, 60_000);
afterAll(() => t.close());

const deliver = (body: Record<string, unknown>) => {
  const raw = JSON.stringify({ locationId: LOCATION, webhookId: `wh_race_${++seq}`, ...body });
  return t.request('localhost', '/webhook/ghl', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ghl-signature': signEd25519(raw) },
    body: raw,
  });
};
const contactEvent = (id: string, extra: Record<string, unknown> = {}) =>
  deliver({ type: 'ContactCreate', id, firstName: 'Rina', timestamp: new Date().toISOString(), ...extra });
const inbound = (contactId: string, n: number) =>
  deliver({
    type: 'InboundMessage',
    contactId,
    messageId: `${contactId}_msg_${n}`,
    body: `message ${n}`,
    messageType: 'SMS',
    direction: 'inbound',
    timestamp: new Date().toISOString(),
  });
const leadsOf = (contactId: string) =>
  t.db
    .select()
    .from(leads)
    .where(and(eq(leads.tenantId, tenantId), sql`${leads.externalIds}->>'ghlContactId' = ${contactId}`));

describe('GoHighLevel contacts are one lead each', () => {
  test('upsertCrmLead twice for one contact: one lead, the second call fills in what it brings', async () => {
    const first = await upsertCrmLead({ db: t.db, values: { tenantId, contactId: 'c_repo' } });
    const second = await upsertCrmLead({ db: t.db, values: { tenantId, contactId: 'c_repo', name: 'Dewi' } });
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, lead: { id: first.lead.id, name: 'Dewi' } });
    expect(await leadsOf('c_repo')).toHaveLength(1);
  });

  test('a sync that finds the contact already linked to another lead leaves this lead unlinked', async () => {
    const owner = await upsertCrmLead({ db: t.db, values: { tenantId, contactId: 'c_taken' } });
    const { lead } = await upsertLeadByPhone({ db: t.db, tenantId, phone: '+6281255550001', source: 'web' });
    expect(await setGhlContactId({ db: t.db, tenantId, id: lead.id, contactId: 'c_taken' })).toBe(false);
    expect((await leadsOf('c_taken')).map((l) => l.id)).toEqual([owner.lead.id]);
  });
});

// Races need real concurrent connections: registered only when the suite runs on a PostgreSQL server
// (npm run test:pg and CI), as tests/jobs/multi-process.test.ts does.
if (usingServer)
  describe('GoHighLevel deliveries racing for a new contact (PostgreSQL server)', () => {
    test('8 simultaneous ContactCreate events for a phone-less contact → 8 recorded, one lead', async () => {
      const answers = await Promise.all(Array.from({ length: 8 }, async () => json(await contactEvent('c_race_1'))));
      expect(answers).toEqual(Array(8).fill({ ok: true, duplicate: false }));
      expect(await leadsOf('c_race_1')).toHaveLength(1);
    });

    test('contact events and messages for one new contact at once → one lead holding every message', async () => {
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? contactEvent('c_race_2') : inbound('c_race_2', i))),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
      const [lead, ...others] = await leadsOf('c_race_2');
      expect(others).toHaveLength(0);
      const stored = await t.db.select().from(messages).where(eq(messages.leadId, lead!.id));
      expect(stored).toHaveLength(4);
    });

    test('a message creating the contact’s lead while its contact event links a phone lead → one lead linked', async () => {
      for (let round = 0; round < 5; round++) {
        const contactId = `c_race_phone_${round}`;
        const phone = `+62812666600${round}0`;
        await upsertLeadByPhone({ db: t.db, tenantId, phone, source: 'whatsapp' });
        const responses = await Promise.all([
          inbound(contactId, 0),
          contactEvent(contactId, { phone }),
          inbound(contactId, 1),
        ]);
        expect({ round, statuses: responses.map((r) => r.status) }).toEqual({ round, statuses: [200, 200, 200] });
        expect({ round, linked: (await leadsOf(contactId)).length }).toEqual({ round, linked: 1 });
      }
    });
  });
