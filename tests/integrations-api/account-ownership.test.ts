// A provider account (a GoHighLevel location) belongs to the dealership whose own credentials reached it in a
// connection test. Typing in another dealer's location id first neither routes that dealer's events nor locks
// the dealer out; once proved, the account is refused to everyone else.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { leads } from '../../drizzle/schema';
import { json, type TestApp } from '../helpers/app';
import { startFakeGhl } from '../helpers/fake-ghl';
import { createWebhookTestApp, signEd25519 } from '../webhooks/support';
import { api, type Dealer, dealer } from './support';

// The real dealer's location and Private Integration Token, as the local GoHighLevel stand-in knows them.
const ghl = startFakeGhl({ token: 'pit-owner-token-0123456789', locationId: 'loc-owner-1' });
afterAll(() => ghl.close());
beforeEach(() => ghl.reset());

describe('provider account ownership (GoHighLevel location)', () => {
  let t: TestApp;
  let squatter: Dealer;
  let owner: Dealer;
  let late: Dealer;
  let seq = 0;
  beforeAll(async () => {
    t = await createWebhookTestApp();
    squatter = await dealer(t, 'squatter');
    owner = await dealer(t, 'owner');
    late = await dealer(t, 'late');
  });
  afterAll(() => t.close());

  const config = (apiKey: string, locationId = ghl.locationId) => ({ apiKey, locationId, baseUrl: ghl.url });
  const connect = async (d: Dealer, apiKey: string, locationId?: string) => {
    const res = await api(t, d).post('/integrations', { template: 'gohighlevel', config: config(apiKey, locationId) });
    return { status: res.status, body: await json(res) };
  };
  const runTest = async (d: Dealer, id: string) => json(await api(t, d).post(`/integrations/${id}/test`));
  const view = async (d: Dealer, id: string) => (await json(await api(t, d).get(`/integrations/${id}`))).data;

  /** A ContactCreate for `locationId`, signed by GoHighLevel (Ed25519). */
  const contactEvent = (locationId: string, phone: string) => {
    const raw = JSON.stringify({
      type: 'ContactCreate',
      locationId,
      id: `contact_${++seq}`,
      firstName: 'Budi',
      phone,
      webhookId: `wh_own_${seq}`,
      timestamp: new Date().toISOString(),
    });
    return t.request('localhost', '/webhook/ghl', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ghl-signature': signEd25519(raw) },
      body: raw,
    });
  };
  const leadCount = async (d: Dealer) =>
    (await t.db.select().from(leads).where(eq(leads.tenantId, d.tenant.id))).length;

  let squatterId: string;
  let ownerId: string;
  let racer: Dealer;
  let racerId: string;

  test("a claim of someone else's location is accepted but proves nothing, and receives none of its events", async () => {
    const claim = await connect(squatter, 'pit-squatter-guess-000000');
    expect(claim.status).toBe(201);
    expect(claim.body.data.accountVerifiedAt).toBeNull();
    squatterId = claim.body.data.id;

    const res = await contactEvent(ghl.locationId, '081211110001');
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ok: true, ignored: true });
    expect(await leadCount(squatter)).toBe(0);

    // Its own credentials do not reach the location, so its test proves nothing.
    const tested = await runTest(squatter, squatterId);
    expect(tested.success).toBe(false);
    expect((await view(squatter, squatterId)).accountVerifiedAt).toBeNull();
  });

  test('the real dealer is not locked out: its connection test proves the location, and its events arrive', async () => {
    const created = await connect(owner, ghl.token);
    expect(created.status).toBe(201);
    ownerId = created.body.data.id;
    // Another claim with the same working token, made before any proof (its test comes later).
    racer = await dealer(t, 'racer');
    const raced = await connect(racer, ghl.token);
    expect(raced.status).toBe(201);
    racerId = raced.body.data.id;
    expect((await contactEvent(ghl.locationId, '081211110002')).status).toBe(200);
    expect(await leadCount(owner)).toBe(0); // not proved yet

    const tested = await runTest(owner, ownerId);
    expect(tested).toMatchObject({ success: true });
    const proved = await view(owner, ownerId);
    expect(proved.status).toBe('active');
    expect(Date.parse(proved.accountVerifiedAt)).not.toBeNaN();

    expect(await json(await contactEvent(ghl.locationId, '081211110003'))).toEqual({ ok: true, duplicate: false });
    expect(await leadCount(owner)).toBe(1);
    expect(await leadCount(squatter)).toBe(0);
  });

  test('once proved, the location is refused to everyone else, even with working credentials', async () => {
    const refused = await connect(late, ghl.token);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');

    // Moving an existing integration onto it is refused the same way.
    const elsewhere = await connect(late, ghl.token, 'loc-elsewhere-9');
    expect(elsewhere.status).toBe(201);
    const moved = await api(t, late).patch(`/integrations/${elsewhere.body.data.id}`, {
      config: { locationId: ghl.locationId },
    });
    expect(moved.status).toBe(409);
    expect((await api(t, late).delete(`/integrations/${elsewhere.body.data.id}`)).status).toBe(204);

    // A claim made before the proof, with the same working token, fails its own test: the first proof holds.
    const tested = await runTest(racer, racerId);
    expect(tested).toMatchObject({
      success: false,
      message: `${ghl.locationId} is already connected to another dealership`,
    });
    const racerView = await view(racer, racerId);
    expect(racerView).toMatchObject({ status: 'error', accountVerifiedAt: null });
    expect((await view(owner, ownerId)).accountVerifiedAt).not.toBeNull();
  });

  test('moving to another location un-proves the integration: the old location routes nowhere', async () => {
    const moved = await api(t, owner).patch(`/integrations/${ownerId}`, { config: { locationId: 'loc-owner-2' } });
    expect(moved.status).toBe(200);
    expect((await json(moved)).data.accountVerifiedAt).toBeNull();
    const before = await leadCount(owner);
    expect(await json(await contactEvent(ghl.locationId, '081211110004'))).toEqual({ ok: true, ignored: true });
    expect(await leadCount(owner)).toBe(before);

    // Freed: the late dealer may now connect it (and would prove it with a passing test).
    expect((await connect(late, ghl.token)).status).toBe(201);
  });
});
