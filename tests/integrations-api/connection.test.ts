// POST /api/admin/integrations/:id/test against the local fake providers: a real call with the stored
// credentials, the status it moves to, and base URLs that must never be called.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { integrations } from '../../drizzle/schema';
import { checkConnection } from '../../src/services/integration-connection';
import { createTestApp, json, type TestApp } from '../helpers/app';
import { startFakeFonnte } from '../helpers/fake-fonnte';
import { ghlError, startFakeGhl } from '../helpers/fake-ghl';
import { startFakeOpenAI } from '../helpers/fake-openai';
import { api, auditText, type Dealer, dealer, seedIntegration } from './support';

const fonnte = startFakeFonnte();
const ghl = startFakeGhl();
const openai = startFakeOpenAI();
afterAll(() => Promise.all([fonnte.close(), ghl.close(), openai.close()]));
beforeEach(() => {
  fonnte.reset();
  ghl.reset();
  openai.reset();
});

describe('connection test', () => {
  let t: TestApp;
  let acme: Dealer;
  const calls: string[] = [];
  beforeAll(async () => {
    t = await createTestApp({
      env: { ALLOW_PRIVATE_INTEGRATION_URLS: 'true' },
      overrides: {
        fetch: ((input: string | URL | Request, init?: RequestInit) => {
          calls.push(String(input instanceof Request ? input.url : input));
          return fetch(input, init);
        }) as typeof fetch,
      },
    });
    acme = await dealer(t, 'acme');
  });
  afterAll(() => t.close());

  const setStatus = (id: string, status: 'active' | 'error' | 'disconnected') =>
    t.db.update(integrations).set({ status }).where(eq(integrations.id, id));

  test('Fonnte: device check with the stored token → success, active, lastSyncAt', async () => {
    const created = await seedIntegration(t.deps, acme.tenant, 'fonnte', {
      deviceToken: fonnte.token,
      deviceNumber: fonnte.device,
      baseUrl: fonnte.url,
    });
    const res = await api(t, acme).post(`/integrations/${created.id}/test`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      success: true,
      message: 'Device 6281200000000 is connected',
      data: expect.objectContaining({ device: '6281200000000', deviceStatus: 'connect' }),
      status: 'active',
    });
    expect(fonnte.requests).toHaveLength(1);
    expect(fonnte.requests[0]).toMatchObject({ path: '/device', headers: { authorization: fonnte.token } });
    const read = (await json(await api(t, acme).get(`/integrations/${created.id}`))).data;
    expect(read).toMatchObject({ status: 'active', errorMessage: null });
    expect(Date.parse(read.lastSyncAt)).toBeGreaterThan(Date.now() - 10_000);
  });

  test('Fonnte: phone disconnected → failure, active → error with the reason; reconnect → active', async () => {
    const [row] = await t.db.select().from(integrations).where(eq(integrations.template, 'fonnte'));
    fonnte.setConnected(false);
    const failed = await json(await api(t, acme).post(`/integrations/${row!.id}/test`));
    expect(failed).toMatchObject({ success: false, status: 'error' });
    expect(failed.message).toContain('not connected');
    const read = (await json(await api(t, acme).get(`/integrations/${row!.id}`))).data;
    expect(read.errorMessage).toBe(failed.message);

    fonnte.setConnected(true);
    const again = await json(await api(t, acme).post(`/integrations/${row!.id}/test`));
    expect(again).toMatchObject({ success: true, status: 'active' });
    expect((await json(await api(t, acme).get(`/integrations/${row!.id}`))).data.errorMessage).toBeNull();
  });

  test('Fonnte: a wrong token → failure with the provider reason, never the token', async () => {
    const [row] = await t.db.select().from(integrations).where(eq(integrations.template, 'fonnte'));
    await api(t, acme).patch(`/integrations/${row!.id}`, { config: { deviceToken: 'wrong-token-12345678' } });
    const res = await json(await api(t, acme).post(`/integrations/${row!.id}/test`));
    expect(res).toEqual({ success: false, message: 'Fonnte refused: token invalid', status: 'error' });
    const audit = await auditText(t.deps, acme.tenant.id);
    expect(audit).toContain('integration.tested');
    expect(audit).not.toContain('wrong-token-12345678');
    expect(audit).not.toContain(fonnte.token);
  });

  test('GoHighLevel: reads the location with Bearer token and Version header', async () => {
    const created = await seedIntegration(t.deps, acme.tenant, 'gohighlevel', {
      apiKey: ghl.token,
      locationId: ghl.locationId,
      baseUrl: ghl.url,
    });
    const res = await json(await api(t, acme).post(`/integrations/${created.id}/test`));
    expect(res).toEqual({
      success: true,
      message: 'Location Acme Motors Jakarta is reachable',
      data: { locationId: ghl.locationId, name: 'Acme Motors Jakarta', timezone: 'Asia/Jakarta' },
      status: 'active',
    });
    expect(ghl.requests[0]).toMatchObject({
      method: 'GET',
      path: `/locations/${ghl.locationId}`,
      headers: { authorization: `Bearer ${ghl.token}`, version: '2021-07-28' },
    });

    ghl.enqueue(ghlError(401, 'Invalid JWT'));
    const failed = await json(await api(t, acme).post(`/integrations/${created.id}/test`));
    expect(failed).toMatchObject({ success: false, status: 'error' });
    expect(failed.message).toContain('Invalid JWT');
  });

  test('OpenAI: lists models; a disconnected integration that fails stays disconnected', async () => {
    const created = await seedIntegration(t.deps, acme.tenant, 'openai', {
      apiKey: openai.apiKey,
      baseUrl: openai.baseURL,
    });
    const ok = await json(await api(t, acme).post(`/integrations/${created.id}/test`));
    expect(ok).toMatchObject({ success: true, status: 'active', data: { models: expect.any(Number) } });

    await setStatus(created.id, 'disconnected');
    openai.enqueueError(401, 'Incorrect API key provided', { code: 'invalid_api_key' });
    const failed = await json(await api(t, acme).post(`/integrations/${created.id}/test`));
    expect(failed).toMatchObject({ success: false, status: 'disconnected' });
    expect(failed.message).toContain('401');
  });

  test('a stored base URL at 169.254.169.254 is never called', async () => {
    const [row] = await t.db.select().from(integrations).where(eq(integrations.template, 'openai'));
    await t.db
      .update(integrations)
      .set({ config: { baseUrl: 'http://169.254.169.254/v1' }, status: 'active' })
      .where(eq(integrations.id, row!.id));
    calls.length = 0;
    const res = await json(await api(t, acme).post(`/integrations/${row!.id}/test`));
    expect(res).toEqual({
      success: false,
      message: expect.stringContaining('link-local'),
      status: 'error',
    });
    expect(calls).toEqual([]);
  });

  test('a provider slower than the timeout → failure, not a hung request', async () => {
    const [row] = await t.db.select().from(integrations).where(eq(integrations.template, 'gohighlevel'));
    ghl.enqueue({ delayMs: 1500, json: {} });
    const result = await checkConnection(t.deps, row!, { timeoutMs: 200 });
    expect(result).toEqual({ success: false, message: 'gohighlevel did not answer within 200 ms' });
  });

  test('unknown id → 404', async () => {
    expect((await api(t, acme).post('/integrations/0190a0a0-0000-7000-8000-000000000000/test')).status).toBe(404);
  });
});

describe('base URL guard without ALLOW_PRIVATE_INTEGRATION_URLS', () => {
  let t: TestApp;
  let acme: Dealer;
  beforeAll(async () => {
    t = await createTestApp();
    acme = await dealer(t, 'acme');
  });
  afterAll(() => t.close());

  test('loopback and private addresses are refused on create and on update', async () => {
    for (const baseUrl of ['http://127.0.0.1:4010', 'http://localhost:4010', 'http://10.0.0.5', 'http://[::1]/']) {
      const res = await api(t, acme).post('/integrations', {
        template: 'fonnte',
        config: { deviceToken: 'token-12345678', deviceNumber: '6281200000000', baseUrl },
      });
      expect({ baseUrl, status: res.status }).toEqual({ baseUrl, status: 400 });
    }
    const created = await api(t, acme).post('/integrations', {
      template: 'fonnte',
      config: { deviceToken: 'token-12345678', deviceNumber: '6281200000000' },
    });
    expect(created.status).toBe(201);
    const id = (await json(created)).data.id;
    const patched = await api(t, acme).patch(`/integrations/${id}`, { config: { baseUrl: 'http://192.168.1.1' } });
    expect(patched.status).toBe(400);
    // (The device token is asked for again too: stored secrets never follow a new baseUrl.)
    expect((await json(patched)).error.details.map((d: { path: string }) => d.path)).toContain('/config/baseUrl');
  });
});
