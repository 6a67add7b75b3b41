// Creating, reading, updating and deleting integrations: schema problems with JSON pointers, secrets
// encrypted and masked, the Fonnte webhook URL, one per template, status transitions, audit without secrets.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { integrations, integrationTemplates } from '../../drizzle/schema';
import { createTestApp, json, type TestApp } from '../helpers/app';
import { api, auditText, type Dealer, dealer } from './support';

const FONNTE_TOKEN = 'fonnte-secret-token-9f3a1a2b';
const GHL_KEY = 'pit-0123456789abcdef-c0ffee';

describe('integrations API', () => {
  let t: TestApp;
  let acme: Dealer;
  let other: Dealer;
  beforeAll(async () => {
    t = await createTestApp({ env: { ALLOW_PRIVATE_INTEGRATION_URLS: 'true' } });
    acme = await dealer(t, 'acme');
    other = await dealer(t, 'other', 'admin');
  });
  afterAll(() => t.close());

  const row = async (id: string) => (await t.db.select().from(integrations).where(eq(integrations.id, id)))[0]!;

  test('create Fonnte → 201 pending, token masked, number normalised, webhook URL with a token', async () => {
    const res = await api(t, acme).post('/integrations', {
      template: 'fonnte',
      name: 'Showroom WhatsApp',
      config: { deviceToken: FONNTE_TOKEN, deviceNumber: '0812-0000-0000' },
    });
    expect(res.status).toBe(201);
    const { data } = await json(res);
    expect(data).toMatchObject({
      template: 'fonnte',
      name: 'Showroom WhatsApp',
      status: 'pending',
      config: { deviceToken: '••••1a2b', deviceNumber: '6281200000000' },
      lastSyncAt: null,
      errorMessage: null,
    });
    expect(data.webhookUrl).toMatch(/^http:\/\/acme\.localhost:3000\/webhook\/fonnte\?token=[A-Za-z0-9_-]{43}$/);

    const stored = await row(data.id);
    expect(stored.webhookToken).toBe(new URL(data.webhookUrl).searchParams.get('token'));
    expect(stored.externalAccountId).toBe('6281200000000');
    expect(stored.config).toEqual({ deviceNumber: '6281200000000' });
    expect(stored.secrets.deviceToken).toMatchObject({ kid: 'dev', iv: expect.any(String), ct: expect.any(String) });
    expect(JSON.stringify(stored)).not.toContain(FONNTE_TOKEN);
  });

  test('GET list and GET one read back masked; the plain secret is in no response', async () => {
    const list = await api(t, acme).get('/integrations');
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).not.toContain(FONNTE_TOKEN);
    const body = JSON.parse(text);
    expect(body.meta).toEqual({ page: 1, limit: 20, total: 1, totalPages: 1 });
    const one = await json(await api(t, acme).get(`/integrations/${body.data[0].id}`));
    expect(one.data).toEqual(body.data[0]);
  });

  test('config problems → 400 with a JSON pointer per problem', async () => {
    const res = await api(t, acme).post('/integrations', {
      template: 'gohighlevel',
      name: 'CRM',
      config: { locationId: 'bad location!', apiVersion: 'v2', extra: 1 },
    });
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual(
      expect.arrayContaining([
        { path: '/config/apiKey', message: 'is required' },
        { path: '/config/extra', message: 'is not a known field' },
        { path: '/config/locationId', message: 'has an invalid format' },
        { path: '/config/apiVersion', message: 'has an invalid format' },
      ]),
    );
  });

  test('a Fonnte number that is not a phone number → 400', async () => {
    // Passes the schema pattern but is no real number.
    const res = await api(t, other).post('/integrations', {
      template: 'fonnte',
      config: { deviceToken: FONNTE_TOKEN, deviceNumber: '0000000' },
    });
    expect(res.status).toBe(400);
    expect((await json(res)).error.details).toEqual([
      { path: '/config/deviceNumber', message: 'is not a valid phone number' },
    ]);
  });

  test('unknown template, unknown body field → 400', async () => {
    const unknown = await api(t, acme).post('/integrations', { template: 'slack', name: 'x', config: {} });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error.details).toEqual([
      { path: 'template', message: 'is not an available integration template' },
    ]);
    const extra = await api(t, acme).post('/integrations', { template: 'openai', config: {}, secret: 1 });
    expect(extra.status).toBe(400);
  });

  test('a base URL at the cloud metadata address is refused even when private URLs are allowed', async () => {
    const res = await api(t, acme).post('/integrations', {
      template: 'openai',
      config: { apiKey: 'sk-test-0123456789', baseUrl: 'http://169.254.169.254/latest/meta-data' },
    });
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error.details).toEqual([{ path: '/config/baseUrl', message: expect.stringContaining('link-local') }]);
  });

  test('a second integration of the same kind → 409', async () => {
    const res = await api(t, acme).post('/integrations', {
      template: 'fonnte',
      config: { deviceToken: FONNTE_TOKEN, deviceNumber: '6281299999999' },
    });
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe('conflict');
  });

  test('a GoHighLevel location another dealership has proved → 409; one it only typed in → 201', async () => {
    const config = { apiKey: GHL_KEY, locationId: 'loc-shared-1' };
    const claimed = await api(t, acme).post('/integrations', { template: 'gohighlevel', config });
    expect(claimed.status).toBe(201);
    const acmeGhl = (await json(claimed)).data;
    expect(acmeGhl.accountVerifiedAt).toBeNull();
    const second = await api(t, other).post('/integrations', { template: 'gohighlevel', config });
    expect(second.status).toBe(201);
    await t.db.delete(integrations).where(eq(integrations.id, (await json(second)).data.id));

    // As a passed connection test leaves it (tests/integrations-api/account-ownership.test.ts runs the test).
    await t.db
      .update(integrations)
      .set({ externalAccountVerifiedAt: new Date() })
      .where(eq(integrations.id, acmeGhl.id));
    const res = await api(t, other).post('/integrations', { template: 'gohighlevel', config });
    expect(res.status).toBe(409);
    expect((await json(res)).error.message).toBe('This provider account is already connected to another dealership');
  });

  test('PATCH merges config, re-encrypts a new secret, keeps masked echoes, null removes an optional field', async () => {
    const created = await json(
      await api(t, other).post('/integrations', {
        template: 'openai',
        name: 'AI',
        config: { apiKey: 'sk-first-key-00001111', model: 'gpt-4o-mini', baseUrl: 'http://127.0.0.1:9/v1' },
      }),
    );
    const id = created.data.id;
    const before = await row(id);

    const renamed = await json(await api(t, other).patch(`/integrations/${id}`, { name: 'Assistant' }));
    expect(renamed.data).toMatchObject({ name: 'Assistant', config: { apiKey: '••••1111', model: 'gpt-4o-mini' } });
    expect((await row(id)).secrets).toEqual(before.secrets);

    const echoed = await json(
      await api(t, other).patch(`/integrations/${id}`, { config: { apiKey: '••••1111', model: 'gpt-4.1-mini' } }),
    );
    expect(echoed.data.config).toEqual({ apiKey: '••••1111', model: 'gpt-4.1-mini', baseUrl: 'http://127.0.0.1:9/v1' });

    const rekeyed = await api(t, other).patch(`/integrations/${id}`, {
      config: { apiKey: 'sk-second-key-22223333', baseUrl: null },
    });
    expect(rekeyed.status).toBe(200);
    expect((await json(rekeyed)).data.config).toEqual({ apiKey: '••••3333', model: 'gpt-4.1-mini' });
    const after = await row(id);
    expect(after.secrets.apiKey!.ct).not.toBe(before.secrets.apiKey!.ct);
    expect(
      t.deps.secrets.decrypt(after.secrets.apiKey!, { tenantId: other.tenant.id, integrationId: id, field: 'apiKey' }),
    ).toBe('sk-second-key-22223333');

    const invalid = await api(t, other).patch(`/integrations/${id}`, { config: { apiKey: null } });
    expect(invalid.status).toBe(400);
    expect((await json(invalid)).error.details).toEqual([{ path: '/config/apiKey', message: 'is required' }]);
  });

  test('stored secrets never follow a new baseUrl: the secrets must be sent again with it', async () => {
    const received: string[] = [];
    const attacker = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch(req) {
        received.push(req.headers.get('authorization') ?? '');
        return Response.json({ object: 'list', data: [] });
      },
    });
    try {
      const created = await json(
        await api(t, acme).post('/integrations', {
          template: 'openai',
          config: { apiKey: 'sk-owner-only-0123456789' },
        }),
      );
      const id = created.data.id;
      const moved = await api(t, acme).patch(`/integrations/${id}`, {
        config: { baseUrl: `http://127.0.0.1:${attacker.port}/v1` },
      });
      expect(moved.status).toBe(400);
      expect((await json(moved)).error.details).toEqual([{ path: '/config/apiKey', message: 'is required' }]);
      const echoed = await api(t, acme).patch(`/integrations/${id}`, {
        config: { baseUrl: `http://127.0.0.1:${attacker.port}/v1`, apiKey: '••••6789' },
      });
      expect(echoed.status).toBe(400);
      await api(t, acme).post(`/integrations/${id}/test`, {});
      expect(received).toEqual([]);
      // With the key itself, the new address is taken (it is the sender's own key that goes there).
      const withKey = await api(t, acme).patch(`/integrations/${id}`, {
        config: { baseUrl: `http://127.0.0.1:${attacker.port}/v1`, apiKey: 'sk-new-key-for-proxy-4321' },
      });
      expect(withKey.status).toBe(200);
      await api(t, acme).post(`/integrations/${id}/test`, {});
      expect(received).toEqual(['Bearer sk-new-key-for-proxy-4321']);
    } finally {
      attacker.stop(true);
    }
  });

  test('status: pending cannot be paused (409 invalid_transition); active can', async () => {
    const list = await json(await api(t, other).get('/integrations'));
    const id = list.data.find((d: { template: string }) => d.template === 'openai').id;
    const refused = await api(t, other).patch(`/integrations/${id}`, { status: 'disconnected' });
    expect(refused.status).toBe(409);
    expect((await json(refused)).error.code).toBe('invalid_transition');

    await t.db.update(integrations).set({ status: 'active' }).where(eq(integrations.id, id));
    const paused = await api(t, other).patch(`/integrations/${id}`, { status: 'disconnected' });
    expect(paused.status).toBe(200);
    expect((await json(paused)).data.status).toBe('disconnected');
    expect((await api(t, other).patch(`/integrations/${id}`, { status: 'active' })).status).toBe(400);
  });

  test('DELETE → 204, then 404; another tenant cannot see or delete it', async () => {
    const list = await json(await api(t, acme).get('/integrations'));
    const ghl = list.data.find((d: { template: string }) => d.template === 'gohighlevel');
    expect((await api(t, other).get(`/integrations/${ghl.id}`)).status).toBe(404);
    expect((await api(t, other).delete(`/integrations/${ghl.id}`)).status).toBe(404);
    expect((await api(t, acme).delete(`/integrations/${ghl.id}`)).status).toBe(204);
    expect((await api(t, acme).get(`/integrations/${ghl.id}`)).status).toBe(404);
    expect((await api(t, acme).delete(`/integrations/${ghl.id}`)).status).toBe(404);
  });

  test('creating over the empty record tenant provisioning leaves fills it in (same id, 201)', async () => {
    const fresh = await dealer(t, 'fresh');
    const [template] = await t.db.select().from(integrationTemplates).where(eq(integrationTemplates.name, 'fonnte'));
    const [placeholder] = await t.db
      .insert(integrations)
      .values({ tenantId: fresh.tenant.id, templateId: template!.id, template: 'fonnte', name: 'WhatsApp (Fonnte)' })
      .returning();
    const res = await api(t, fresh).post('/integrations', {
      template: 'fonnte',
      config: { deviceToken: FONNTE_TOKEN, deviceNumber: '6281277770000' },
    });
    expect(res.status).toBe(201);
    const { data } = await json(res);
    expect(data).toMatchObject({
      id: placeholder!.id,
      status: 'pending',
      webhookUrl: expect.stringContaining('token='),
    });
    // Once configured, a second create is a conflict again.
    const again = await api(t, fresh).post('/integrations', {
      template: 'fonnte',
      config: { deviceToken: FONNTE_TOKEN, deviceNumber: '6281277770001' },
    });
    expect(again.status).toBe(409);
  });

  test('the audit log records each change and never a secret', async () => {
    const text = (await auditText(t.deps, acme.tenant.id)) + (await auditText(t.deps, other.tenant.id));
    for (const action of ['integration.created', 'integration.updated', 'integration.deleted']) {
      expect(text).toContain(action);
    }
    for (const secret of [FONNTE_TOKEN, GHL_KEY, 'sk-first-key-00001111', 'sk-second-key-22223333']) {
      expect(text).not.toContain(secret);
    }
  });

  test('every integrations and webhook route is in the OpenAPI document', async () => {
    const doc = await json(await t.request('localhost', '/openapi.json'));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/admin/integration-templates',
        '/api/admin/integrations',
        '/api/admin/integrations/{id}',
        '/api/admin/integrations/{id}/test',
        '/webhook/fonnte',
        '/webhook/ghl',
      ]),
    );
  });
});
