import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { tenants } from '../../drizzle/schema';
import { manualClock } from '../../src/lib/clock';
import { forwardedEntry, normalizeHost } from '../../src/lib/host';
import { TenantCache } from '../../src/lib/tenant-cache';
import { createTenant, createTestApp, json, type TestApp } from '../helpers/app';

describe('tenant resolution by host', () => {
  let t: TestApp;
  const clock = manualClock('2026-03-01T00:00:00Z');
  beforeAll(async () => {
    t = await createTestApp({ overrides: { clock } });
    await createTenant(t.deps, { slug: 'acme', name: 'Acme Auto', domains: ['www.acme-motors.co.id'] });
    await createTenant(t.deps, { slug: 'shut', name: 'Shut Motors', status: 'suspended' });
  });
  afterAll(() => t.close());

  const nameAt = async (host: string, headers: Record<string, string> = {}) => {
    const res = await t.request(host, '/api/tenant', { headers });
    return { status: res.status, body: await json(res) };
  };

  test('subdomain of BASE_DOMAIN', async () => {
    const { status, body } = await nameAt('acme.localhost');
    expect(status).toBe(200);
    expect(body.data).toMatchObject({
      slug: 'acme',
      name: 'Acme Auto',
      locale: 'id-ID',
      currency: 'IDR',
      timezone: 'Asia/Jakarta',
      settings: { autoReply: false },
    });
  });

  test('custom domain, port, upper case and trailing dot are normalised', async () => {
    for (const host of [
      'www.acme-motors.co.id',
      'ACME.LOCALHOST:3000',
      'acme.localhost.',
      'WWW.Acme-Motors.co.id.:8443',
    ]) {
      const { status, body } = await nameAt(host);
      expect({ host, status, slug: body.data?.slug }).toEqual({ host, status: 200, slug: 'acme' });
    }
  });

  test('unknown host is 404 tenant_not_found in the contract shape', async () => {
    for (const host of ['nobody.localhost', 'localhost', 'a.b.localhost', 'example.com']) {
      const res = await t.request(host, '/api/tenant');
      expect(res.status).toBe(404);
      const body = await json(res);
      expect(body.error.code).toBe('tenant_not_found');
      expect(body.error.requestId).toBe(res.headers.get('x-request-id')!);
    }
  });

  test('suspended tenant is 403 tenant_suspended', async () => {
    const { status, body } = await nameAt('shut.localhost');
    expect(status).toBe(403);
    expect(body.error.code).toBe('tenant_suspended');
  });

  test('X-Forwarded-Host is ignored unless TRUST_PROXY=true', async () => {
    const ignored = await nameAt('nobody.localhost', { 'x-forwarded-host': 'acme.localhost' });
    expect(ignored.status).toBe(404);
    const proxied = await createTestApp({ database: t.database, env: { TRUST_PROXY: 'true' } });
    const res = await proxied.request('internal-lb:8080', '/api/tenant', {
      headers: { 'x-forwarded-host': 'acme.localhost' },
    });
    expect(res.status).toBe(200);
    expect((await json(res)).data.slug).toBe('acme');
    // Behind one proxy that appends, an entry before its own came from the client: not believed.
    const spoofed = await proxied.request('internal-lb:8080', '/api/tenant', {
      headers: { 'x-forwarded-host': 'acme.localhost, nobody.localhost' },
    });
    expect(spoofed.status).toBe(404);
  });

  test('a cached lookup costs no database query; a change takes effect after the TTL', async () => {
    const app = await createTestApp({ database: t.database, overrides: { clock } });
    let queries = 0;
    const original = app.deps.db.select.bind(app.deps.db);
    // Count every query the tenant cache makes through the shared db handle.
    (app.deps.db as { select: unknown }).select = (...args: Parameters<typeof original>) => {
      queries++;
      return original(...args);
    };
    expect((await app.request('acme.localhost', '/api/tenant')).status).toBe(200);
    const afterFirst = queries;
    expect(afterFirst).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) expect((await app.request('acme.localhost', '/api/tenant')).status).toBe(200);
    expect(queries).toBe(afterFirst);

    await t.db.update(tenants).set({ status: 'suspended' }).where(eq(tenants.slug, 'acme'));
    expect((await app.request('acme.localhost', '/api/tenant')).status).toBe(200);
    clock.advance(app.deps.env.TENANT_CACHE_TTL_MS + 1);
    expect((await app.request('acme.localhost', '/api/tenant')).status).toBe(403);
    await t.db.update(tenants).set({ status: 'active' }).where(eq(tenants.slug, 'acme'));
  });
});

describe('host normalisation helpers', () => {
  test('normalizeHost: lower case, no port, no trailing dot; anything else is no host', () => {
    expect(normalizeHost('ACME.localhost:3000')).toBe('acme.localhost');
    expect(normalizeHost('www.acme-motors.co.id.')).toBe('www.acme-motors.co.id');
    expect(normalizeHost('[::1]:3000')).toBe('::1');
    for (const bad of ['', ' bad host ', 'a'.repeat(300), 'acme.localhost/x', 'é.example']) {
      expect(normalizeHost(bad)).toBeNull();
    }
  });

  test('forwardedEntry takes the entry the outermost trusted proxy wrote (hops from the right), untrimmed', () => {
    expect(forwardedEntry('203.0.113.7', 1)).toBe('203.0.113.7');
    expect(forwardedEntry('203.0.113.7', 3)).toBe('203.0.113.7');
    expect(forwardedEntry('spoofed, 203.0.113.7', 1)).toBe(' 203.0.113.7');
    expect(forwardedEntry('a, b ,c', 2)).toBe(' b ');
    expect(forwardedEntry('a, b ,c', 3)).toBe('a');
    expect(forwardedEntry('a, b ,c', 9)).toBe('a');
    expect(forwardedEntry('x,', 1)).toBe('');
    expect(forwardedEntry(',x', 2)).toBe('');
    expect(forwardedEntry('', 1)).toBe('');
  });
});

describe('tenant cache by raw host value', () => {
  let t: TestApp;
  const clock = manualClock('2026-03-01T00:00:00Z');
  let acmeId: string;
  let queries = 0;
  let cache: TenantCache;
  beforeAll(async () => {
    t = await createTestApp({ overrides: { clock } });
    acmeId = (await createTenant(t.deps, { slug: 'acme', domains: ['www.acme-motors.co.id'] })).id;
    // Counts the lookups that reach the database, so a hit is seen to be a hit.
    const db = new Proxy(t.db, {
      get(target, prop, receiver) {
        if (prop === 'select') queries++;
        return Reflect.get(target, prop, receiver);
      },
    });
    cache = new TenantCache({ db, baseDomain: 'localhost', ttlMs: 60_000, clock });
  });
  afterAll(() => t.close());

  test('spellings of one host share one entry; nothing is known before it is resolved', async () => {
    const now = clock.ms();
    expect(cache.peekRaw('ACME.localhost:8080', now)).toBeUndefined();
    expect((await cache.resolveRaw('ACME.localhost:8080'))?.id).toBe(acmeId);
    const after = queries;
    expect(cache.peekRaw('ACME.localhost:8080', now)?.id).toBe(acmeId);
    expect((await cache.resolveRaw('acme.localhost.'))?.id).toBe(acmeId);
    expect(cache.peekRaw('acme.localhost.', now)?.id).toBe(acmeId);
    expect(cache.peek('acme.localhost')?.id).toBe(acmeId);
    expect(queries).toBe(after);
    expect((await cache.resolveRaw('WWW.Acme-Motors.co.id'))?.id).toBe(acmeId);
  });

  test('an invalid host value has no tenant, for good and without a query; an unknown host is a cached miss', async () => {
    const before = queries;
    expect(await cache.resolveRaw(' bad host ')).toBeNull();
    expect(await cache.resolveRaw('')).toBeNull();
    expect(cache.peekRaw(' bad host ', clock.ms() + 10 * 365 * 86_400_000)).toBeNull();
    expect(queries).toBe(before);
    expect(await cache.resolveRaw('nobody.localhost')).toBeNull();
    expect(cache.peekRaw('nobody.localhost', clock.ms())).toBeNull();
  });

  test('raw entries expire with their host, and invalidate() forgets them', async () => {
    await cache.resolveRaw('Acme.localhost');
    expect(cache.peekRaw('Acme.localhost', clock.ms())?.id).toBe(acmeId);
    expect(cache.peekRaw('Acme.localhost', clock.ms() + 60_000)).toBeUndefined();
    clock.advance(60_001);
    expect(cache.peekRaw('Acme.localhost', clock.ms())).toBeUndefined();
    const before = queries;
    expect((await cache.resolveRaw('Acme.localhost'))?.id).toBe(acmeId);
    expect(queries).toBeGreaterThan(before);
    expect(cache.peekRaw('Acme.localhost', clock.ms())?.id).toBe(acmeId);
    cache.invalidate(acmeId);
    expect(cache.peekRaw('Acme.localhost', clock.ms())).toBeUndefined();
    expect(cache.peek('acme.localhost')).toBeUndefined();
  });

  test('a flood of made-up host values stays bounded and still answers right', async () => {
    for (let i = 0; i < 3000; i++) expect(await cache.resolveRaw(`Bogus-${i}.example:80`)).toBeNull();
    const raw = (cache as unknown as { byRaw: Map<string, unknown> }).byRaw;
    expect(raw.size).toBeLessThanOrEqual(1024);
    expect((await cache.resolveRaw('ACME.localhost'))?.id).toBe(acmeId);
    expect(cache.peekRaw('ACME.localhost', clock.ms())?.id).toBe(acmeId);
  });

  test('a lookup under way when the tenant changes is not cached: the next request reads the change', async () => {
    // The first lookup's rows are held back after the query ran, as when a suspension commits while the
    // answer is on its way; later lookups go straight through.
    const arrived = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    let held = false;
    const holdFirstAnswer = <T extends object>(builder: T): T =>
      new Proxy(builder, {
        get(target, prop) {
          const value = Reflect.get(target, prop, target);
          if (prop === 'then') {
            return (ok: (v: unknown) => unknown, fail: (e: unknown) => unknown) =>
              (target as unknown as PromiseLike<unknown>)
                .then(async (rows) => {
                  arrived.resolve();
                  await release.promise;
                  return rows;
                })
                .then(ok, fail);
          }
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            const next = value.apply(target, args);
            return next && typeof next === 'object' ? holdFirstAnswer(next) : next;
          };
        },
      });
    const db = new Proxy(t.db, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== 'select' || held) return value;
        held = true;
        return (...args: unknown[]) => holdFirstAnswer(value.apply(target, args));
      },
    });
    const fresh = new TenantCache({ db, baseDomain: 'localhost', ttlMs: 60_000, clock });
    const early = fresh.resolveRaw('acme.localhost');
    await arrived.promise;
    await t.db.update(tenants).set({ status: 'suspended' }).where(eq(tenants.id, acmeId));
    try {
      fresh.invalidate(acmeId);
      // A request after the change does not wait for the old answer: it reads the row again.
      expect((await fresh.resolveRaw('ACME.localhost'))?.status).toBe('suspended');
      release.resolve();
      // The request that started before the change gets what was read then; it is not cached.
      expect((await early)?.status).toBe('active');
      expect(fresh.peekRaw('acme.localhost', clock.ms())?.status).toBe('suspended');
      expect(fresh.peekRaw('ACME.localhost', clock.ms())?.status).toBe('suspended');
      expect(fresh.peek('acme.localhost')?.status).toBe('suspended');
      expect((await fresh.resolveRaw('acme.localhost'))?.status).toBe('suspended');
    } finally {
      await t.db.update(tenants).set({ status: 'active' }).where(eq(tenants.id, acmeId));
    }
  });
});
