// GET /api/tenant as a conditional GET: its ETag follows the tenant's row, a match is a 304 without a body,
// and a changed profile is a new answer with a new validator.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { type Tenant, tenants } from '../../drizzle/schema';
import { createTenant, createTestApp, json, type TestApp } from '../helpers/app';

describe('GET /api/tenant', () => {
  let t: TestApp;
  let acme: Tenant;
  beforeAll(async () => {
    t = await createTestApp();
    acme = await createTenant(t.deps, { slug: 'acme', name: 'Acme Auto' });
    await createTenant(t.deps, { slug: 'demo', name: 'Demo Motors' });
  });
  afterAll(() => t.close());

  test('answers with a weak ETag, a short public lifetime and Vary: Host', async () => {
    const res = await t.request('acme.localhost', '/api/tenant');
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^W\/"[0-9a-z]+"$/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=30, stale-while-revalidate=60');
    expect(res.headers.get('vary')).toContain('Host');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((await json(res)).data).toMatchObject({ slug: 'acme', name: 'Acme Auto' });
  });

  test('If-None-Match: its own tag (also in a list, or strong), or *, is a 304 without a body', async () => {
    const etag = (await t.request('acme.localhost', '/api/tenant')).headers.get('etag')!;
    for (const tag of [etag, etag.slice(2), `W/"other", ${etag}`, '*']) {
      const res = await t.request('acme.localhost', '/api/tenant', { headers: { 'if-none-match': tag } });
      expect(res.status).toBe(304);
      expect(res.headers.get('etag')).toBe(etag);
      expect(await res.text()).toBe('');
    }
    const stale = await t.request('acme.localhost', '/api/tenant', { headers: { 'if-none-match': 'W/"0"' } });
    expect(stale.status).toBe(200);
  });

  test("each host gets its own tenant's answer", async () => {
    const [a, d] = await Promise.all([
      t.request('acme.localhost', '/api/tenant'),
      t.request('demo.localhost', '/api/tenant'),
    ]);
    expect((await json(a)).data.name).toBe('Acme Auto');
    expect((await json(d)).data.name).toBe('Demo Motors');
  });

  test('a changed profile is a new answer, and the old validator no longer matches', async () => {
    const before = await t.request('acme.localhost', '/api/tenant');
    const oldTag = before.headers.get('etag')!;
    await t.deps.db
      .update(tenants)
      .set({ name: 'Acme Auto Prima', settings: { autoReply: true } })
      .where(eq(tenants.id, acme.id));
    t.deps.tenants.invalidate(acme.id);

    const after = await t.request('acme.localhost', '/api/tenant', { headers: { 'if-none-match': oldTag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(oldTag);
    expect((await json(after)).data).toMatchObject({ name: 'Acme Auto Prima', settings: { autoReply: true } });
  });
});
