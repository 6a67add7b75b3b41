// Stored secrets are bound to their tenant, row and field: a value copied elsewhere does not decrypt,
// and keys rotate (old values still read, updates move them onto the current key).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { integrations } from '../../drizzle/schema';
import { createApp } from '../../src/app';
import { createDeps } from '../../src/bootstrap';
import { parseEnv } from '../../src/env';
import { DecryptionError } from '../../src/lib/crypto';
import { checkConnection } from '../../src/services/integration-connection';
import { createTestApp, json, type TestApp } from '../helpers/app';
import { api, type Dealer, dealer, seedIntegration } from './support';

const KEY_1 = randomBytes(32).toString('base64');
const KEY_2 = randomBytes(32).toString('base64');

describe('encrypted integration secrets', () => {
  let t: TestApp;
  let acme: Dealer;
  let other: Dealer;
  beforeAll(async () => {
    t = await createTestApp({ env: { ENCRYPTION_KEYS: `k1:${KEY_1}` } });
    acme = await dealer(t, 'acme');
    other = await dealer(t, 'other');
  });
  afterAll(() => t.close());

  const row = async (id: string) => (await t.db.select().from(integrations).where(eq(integrations.id, id)))[0]!;

  test('a value decrypts only with its own tenant, row and field', async () => {
    const mine = await seedIntegration(t.deps, acme.tenant, 'gohighlevel', {
      apiKey: 'pit-acme-secret-0001',
      locationId: 'loc-acme',
      webhookSecret: 'whsec-acme-0123456789',
    });
    const sealed = (await row(mine.id)).secrets;
    const box = t.deps.secrets;
    const own = { tenantId: acme.tenant.id, integrationId: mine.id, field: 'apiKey' };
    expect(box.decrypt(sealed.apiKey!, own)).toBe('pit-acme-secret-0001');
    expect(() => box.decrypt(sealed.apiKey!, { ...own, tenantId: other.tenant.id })).toThrow(DecryptionError);
    expect(() => box.decrypt(sealed.apiKey!, { ...own, integrationId: crypto.randomUUID() })).toThrow(DecryptionError);
    expect(() => box.decrypt(sealed.apiKey!, { ...own, field: 'webhookSecret' })).toThrow(DecryptionError);
  });

  test("a ciphertext copied into another tenant's row reads back hidden and does not authenticate", async () => {
    const [source] = await t.db.select().from(integrations).where(eq(integrations.tenantId, acme.tenant.id));
    const target = await seedIntegration(t.deps, other.tenant, 'gohighlevel', {
      apiKey: 'pit-other-secret-9999',
      locationId: 'loc-other',
    });
    await t.db.update(integrations).set({ secrets: source!.secrets }).where(eq(integrations.id, target.id));

    const read = (await json(await api(t, other).get(`/integrations/${target.id}`))).data;
    expect(read.config.apiKey).toBe('••••');
    const result = await checkConnection(t.deps, await row(target.id));
    expect(result.success).toBe(false);
    expect(result.message).toContain('can no longer be decrypted');

    // Swapping two fields inside one row fails the same way.
    const swapped = { apiKey: source!.secrets.webhookSecret!, webhookSecret: source!.secrets.apiKey! };
    await t.db.update(integrations).set({ secrets: swapped }).where(eq(integrations.id, source!.id));
    const acmeRead = (await json(await api(t, acme).get(`/integrations/${source!.id}`))).data;
    expect(acmeRead.config).toMatchObject({ apiKey: '••••', webhookSecret: '••••' });
  });

  test('key rotation: a new first key still reads old values, and an update re-encrypts with it', async () => {
    const created = await seedIntegration(t.deps, acme.tenant, 'openai', { apiKey: 'sk-rotate-me-4242' });
    expect((await row(created.id)).secrets.apiKey!.kid).toBe('k1');

    const env = parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ENCRYPTION_KEYS: `k2:${KEY_2},k1:${KEY_1}` });
    const deps = await createDeps(env, { database: t.database, skipMigrations: true });
    // Access tokens were signed with the first app's (random) JWT key: verify with the same service.
    deps.tokens = t.deps.tokens;
    const app = createApp(deps);
    const request = (path: string, init: RequestInit & { json?: unknown } = {}) =>
      app.request(`http://acme.localhost/api/admin${path}`, {
        ...init,
        headers: { host: 'acme.localhost', authorization: `Bearer ${acme.token}`, 'content-type': 'application/json' },
        ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
      });

    const read = (await json(await request(`/integrations/${created.id}`))).data;
    expect(read.config.apiKey).toBe('••••4242');
    const patched = await request(`/integrations/${created.id}`, { method: 'PATCH', json: { name: 'AI' } });
    expect(patched.status).toBe(200);
    expect((await row(created.id)).secrets.apiKey!.kid).toBe('k1');
    await request(`/integrations/${created.id}`, { method: 'PATCH', json: { config: { model: 'gpt-4o-mini' } } });
    const after = (await row(created.id)).secrets.apiKey!;
    expect(after.kid).toBe('k2');
    expect(deps.secrets.decrypt(after, { tenantId: acme.tenant.id, integrationId: created.id, field: 'apiKey' })).toBe(
      'sk-rotate-me-4242',
    );
  });
});
