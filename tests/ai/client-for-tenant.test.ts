// Which key qualifies a tenant's leads: its own active integration, else the operator's, else none.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { resolveModelClient } from '../../src/ai/client-for-tenant';
import { parseEnv } from '../../src/env';
import { createSecretBox } from '../../src/lib/crypto';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startFakeOpenAI } from '../helpers/fake-openai';
import { insertOpenAIIntegration, insertTenant } from './fixtures';

const tenantKey = 'sk-tenant-own-key-123456';
const tenantFake = startFakeOpenAI({ apiKey: tenantKey });
const operatorFake = startFakeOpenAI({ apiKey: 'sk-operator-key-abcdef' });
let database: TestDatabase;

const env = (extra: Record<string, string> = {}) =>
  parseEnv({ NODE_ENV: 'test', ALLOW_PRIVATE_INTEGRATION_URLS: 'true', AI_TIMEOUT_MS: '1500', ...extra });
const operatorEnv = (extra: Record<string, string> = {}) =>
  env({ OPENAI_API_KEY: operatorFake.apiKey, OPENAI_BASE_URL: operatorFake.baseURL, ...extra });

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all([database.close(), tenantFake.close(), operatorFake.close()]);
});
beforeEach(() => {
  tenantFake.reset();
  operatorFake.reset();
});

async function ping(client: import('openai').default, model: string) {
  await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'ping' }] });
}

describe('resolveModelClient', () => {
  test("a tenant's active integration is used, with its model and base URL, over the operator key", async () => {
    const e = operatorEnv();
    const box = createSecretBox(e.encryptionKeys);
    const tenant = await insertTenant(database.db);
    const integration = await insertOpenAIIntegration(database.db, box, tenant.id, {
      apiKey: tenantKey,
      model: 'gpt-4o',
      baseUrl: tenantFake.baseURL,
    });
    const resolved = await resolveModelClient({ db: database.db, env: e, tenantId: tenant.id });
    expect(resolved).toMatchObject({ ok: true, source: 'integration', integrationId: integration.id, model: 'gpt-4o' });
    if (!resolved.ok) return;
    expect(resolved.client.timeout).toBe(1500);
    expect(resolved.client.maxRetries).toBe(0);
    await ping(resolved.client, resolved.model);
    expect(tenantFake.requests[0]!.headers.authorization).toBe(`Bearer ${tenantKey}`);
    expect(operatorFake.requests).toHaveLength(0);
  });

  test('without an active integration the operator key is used', async () => {
    const e = operatorEnv({ OPENAI_MODEL: 'gpt-4.1-mini' });
    const tenant = await insertTenant(database.db);
    await insertOpenAIIntegration(database.db, createSecretBox(e.encryptionKeys), tenant.id, {
      apiKey: tenantKey,
      baseUrl: tenantFake.baseURL,
      status: 'error',
    });
    const resolved = await resolveModelClient({ db: database.db, env: e, tenantId: tenant.id });
    expect(resolved).toMatchObject({ ok: true, source: 'operator', integrationId: null, model: 'gpt-4.1-mini' });
    if (!resolved.ok) return;
    await ping(resolved.client, resolved.model);
    expect(operatorFake.requests).toHaveLength(1);
    expect(tenantFake.requests).toHaveLength(0);
  });

  test('with neither, there is no client and the rules path runs', async () => {
    const tenant = await insertTenant(database.db);
    expect(await resolveModelClient({ db: database.db, env: env(), tenantId: tenant.id })).toMatchObject({
      ok: false,
      reason: 'not_configured',
    });
  });

  test("another tenant's integration is never used", async () => {
    const e = env();
    const owner = await insertTenant(database.db);
    const other = await insertTenant(database.db);
    await insertOpenAIIntegration(database.db, createSecretBox(e.encryptionKeys), owner.id, {
      apiKey: tenantKey,
      baseUrl: tenantFake.baseURL,
    });
    expect(await resolveModelClient({ db: database.db, env: e, tenantId: other.id })).toMatchObject({
      ok: false,
      reason: 'not_configured',
    });
  });

  test('a key that does not decrypt (rotated away) makes the integration unusable, not a crash', async () => {
    const e = env();
    const tenant = await insertTenant(database.db);
    const foreignBox = createSecretBox([{ kid: 'old', key: Buffer.alloc(32, 7) }]);
    await insertOpenAIIntegration(database.db, foreignBox, tenant.id, { apiKey: tenantKey });
    const resolved = await resolveModelClient({ db: database.db, env: e, tenantId: tenant.id });
    expect(resolved).toMatchObject({ ok: false, reason: 'integration_unusable' });
    expect(JSON.stringify(resolved)).not.toContain(tenantKey);
  });

  test('a base URL on a private network is refused unless the operator allows it', async () => {
    const e = env({ ALLOW_PRIVATE_INTEGRATION_URLS: 'false' });
    const tenant = await insertTenant(database.db);
    await insertOpenAIIntegration(database.db, createSecretBox(e.encryptionKeys), tenant.id, {
      apiKey: tenantKey,
      baseUrl: tenantFake.baseURL,
    });
    const resolved = await resolveModelClient({ db: database.db, env: e, tenantId: tenant.id });
    expect(resolved).toMatchObject({ ok: false, reason: 'integration_unusable' });
    expect(tenantFake.requests).toHaveLength(0);
  });
});
