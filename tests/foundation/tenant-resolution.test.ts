import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { tenants } from '../../drizzle/schema';
import { manualClock } from '../../src/lib/clock';
import { firstListItem, normalizeHost, normalizeRequestHost } from '../../src/lib/host';
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
      headers: { 'x-forwarded-host': 'acme.localhost, lb.local' },
    });
    expect(res.status).toBe(200);
    expect((await json(res)).data.slug).toBe('acme');
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
  const raws = [
    'acme.localhost',
    'ACME.localhost:3000',
    'www.acme-motors.co.id.',
    '[::1]:3000',
    '',
    ' bad host ',
    'a'.repeat(300),
  ];

  test('the memo answers exactly as normalizeHost, first time and again, even after a flood of made-up hosts', () => {
    for (const raw of raws) expect(normalizeRequestHost(raw)).toBe(normalizeHost(raw));
    for (const raw of raws) expect(normalizeRequestHost(raw)).toBe(normalizeHost(raw));
    for (let i = 0; i < 5000; i++) expect(normalizeRequestHost(`Host-${i}.example:80`)).toBe(`host-${i}.example`);
    for (const raw of raws) expect(normalizeRequestHost(raw)).toBe(normalizeHost(raw));
  });

  test('firstListItem takes the first entry of a forwarded list, untrimmed', () => {
    expect(firstListItem('203.0.113.7')).toBe('203.0.113.7');
    expect(firstListItem('203.0.113.7, 10.0.0.1')).toBe('203.0.113.7');
    expect(firstListItem(' a.example ,b.example')).toBe(' a.example ');
    expect(firstListItem(',x')).toBe('');
  });
});
