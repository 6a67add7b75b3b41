// Two app instances on one database share a limit through the PostgreSQL store (with the memory
// store each instance would count alone). On a server each instance has its own connection pool.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createDatabase } from '../../src/db/client';
import { manualClock } from '../../src/lib/clock';
import { createTenant, createTestApp, type TestApp } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

describe('PostgreSQL rate-limit store across instances', () => {
  let database: TestDatabase;
  let second: TestDatabase;
  const apps: Record<'a' | 'b', TestApp> = {} as never;
  const memoryApps: TestApp[] = [];
  const clock = manualClock('2026-08-01T00:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    second = database.url
      ? { ...(await createDatabase({ url: database.url, poolSize: 5 })), name: database.name }
      : { ...database, close: async () => {} }; // PGlite: one embedded database, two apps on it
    const env = { RATE_LIMIT_STORE: 'postgres', TRUST_PROXY: 'true', RATE_LIMIT_OVERRIDES: 'public:6/1m' };
    apps.a = await createTestApp({ database, env, overrides: { clock } });
    apps.b = await createTestApp({ database: second, env, overrides: { clock } });
    await createTenant(apps.a.deps, { slug: 'acme' });
    const memEnv = { ...env, RATE_LIMIT_STORE: 'memory' };
    memoryApps.push(await createTestApp({ database, env: memEnv, overrides: { clock } }));
    memoryApps.push(await createTestApp({ database: second, env: memEnv, overrides: { clock } }));
  }, 120_000);
  afterAll(async () => {
    await second.close();
    await database.close();
  });

  const hit = (app: TestApp, ip: string) =>
    app.request('acme.localhost', '/api/tenant', { headers: { 'x-forwarded-for': ip } });

  test('alternating instances draw from one bucket', async () => {
    expect(apps.a.deps.rateLimiter.kind).toBe('postgres');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await hit(i % 2 ? apps.b : apps.a, '203.0.113.1')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    clock.advance(10_000); // one token per 10 s
    expect((await hit(apps.b, '203.0.113.1')).status).toBe(200);
    expect((await hit(apps.a, '203.0.113.1')).status).toBe(429);
  });

  test('concurrent requests on both instances: exactly the capacity gets through', async () => {
    const results = await Promise.all(
      Array.from({ length: 16 }, async (_, i) => (await hit(i % 2 ? apps.b : apps.a, '203.0.113.2')).status),
    );
    expect(results.filter((s) => s === 200).length).toBe(6);
    expect(results.filter((s) => s === 429).length).toBe(10);
  });

  test('with the memory store each instance counts alone (why the shared store exists)', async () => {
    let ok = 0;
    for (let i = 0; i < 12; i++) if ((await hit(memoryApps[i % 2]!, '203.0.113.3')).status === 200) ok++;
    expect(ok).toBe(12);
  });
});
