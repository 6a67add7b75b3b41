import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { auditLogs, type Tenant } from '../../drizzle/schema';
import type { AppEnv } from '../../src/lib/app-env';
import { manualClock } from '../../src/lib/clock';
import { onError } from '../../src/middleware/error-handler';
import { requestContext } from '../../src/middleware/request-context';
import { tenant as tenantMiddleware } from '../../src/middleware/tenant';
import { createTenant, createTestApp, createUser, json, type TestApp, tokenFor } from '../helpers/app';
import { createPlatformApp, platform } from './helpers';

describe('tenant list, read and status changes', () => {
  let t: TestApp;
  let acme: Tenant;
  const clock = manualClock('2026-03-01T00:00:00Z');
  beforeAll(async () => {
    t = await createPlatformApp({ overrides: { clock } });
    acme = await createTenant(t.deps, {
      slug: 'acme',
      name: 'Acme Auto',
      status: 'active',
      domains: ['www.acme-motors.co.id'],
    });
    await createTenant(t.deps, { slug: 'bintang', name: 'Bintang Mobil', status: 'trial' });
    await createTenant(t.deps, { slug: 'closed', name: 'Closed Cars', status: 'suspended' });
  });
  afterAll(() => t.close());

  const patch = (id: string, status: string) =>
    platform(t, 'PATCH', `/api/platform/tenants/${id}`, { json: { status } });

  test('list is paginated and filters by status and by a search over slug, name and domain', async () => {
    const all = await json(await platform(t, 'GET', '/api/platform/tenants?limit=2'));
    expect(all.meta).toEqual({ page: 1, limit: 2, total: 3, totalPages: 2 });
    expect(all.data).toHaveLength(2);

    const trial = await json(await platform(t, 'GET', '/api/platform/tenants?status=trial'));
    expect(trial.data.map((d: { slug: string }) => d.slug)).toEqual(['bintang']);

    for (const q of ['acme', 'ACME AUTO', 'acme-motors.co']) {
      const found = await json(await platform(t, 'GET', `/api/platform/tenants?q=${encodeURIComponent(q)}`));
      expect({ q, slugs: found.data.map((d: { slug: string }) => d.slug) }).toEqual({ q, slugs: ['acme'] });
    }
    // LIKE wildcards in q are literal.
    const wildcard = await json(await platform(t, 'GET', '/api/platform/tenants?q=%25'));
    expect(wildcard.meta.total).toBe(0);

    const bad = await platform(t, 'GET', '/api/platform/tenants?limit=500&status=gone');
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.details.map((d: { path: string }) => d.path).sort()).toEqual(['limit', 'status']);
  });

  test('read shows domains, hosts, user counts and provisioning state; unknown id is 404', async () => {
    await createUser(t.deps, acme.id, { role: 'owner' });
    await createUser(t.deps, acme.id, { role: 'sales' });
    const res = await platform(t, 'GET', `/api/platform/tenants/${acme.id}`);
    expect(res.status).toBe(200);
    expect((await json(res)).data).toMatchObject({
      id: acme.id,
      slug: 'acme',
      status: 'active',
      domains: [{ domain: 'www.acme-motors.co.id', isPrimary: false }],
      hosts: ['acme.localhost', 'www.acme-motors.co.id'],
      users: { total: 2, owners: 1 },
      provisioned: true,
      provisioning: { state: 'complete', jobId: null },
    });
    const missing = await platform(t, 'GET', '/api/platform/tenants/0190f5a0-0000-7000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect((await platform(t, 'GET', '/api/platform/tenants/not-a-uuid')).status).toBe(400);
  });

  test('suspension stops storefront and admin API at once; reactivation restores them', async () => {
    const owner = await createUser(t.deps, acme.id, { role: 'owner', email: 'boss@acme.test' });
    const token = await tokenFor(t.deps, owner);
    // Warm the host cache so the change must invalidate it to take effect.
    expect((await t.request('acme.localhost', '/api/tenant')).status).toBe(200);
    expect((await t.request('www.acme-motors.co.id', '/api/tenant')).status).toBe(200);

    const suspended = await patch(acme.id, 'suspended');
    expect(suspended.status).toBe(200);
    expect((await json(suspended)).data.status).toBe('suspended');

    for (const host of ['acme.localhost', 'www.acme-motors.co.id']) {
      const res = await t.request(host, '/api/tenant');
      expect(res.status).toBe(403);
      expect((await json(res)).error.code).toBe('tenant_suspended');
    }
    const admin = await t.request('acme.localhost', '/api/admin/anything', { token });
    expect(admin.status).toBe(403);
    expect((await json(admin)).error.code).toBe('tenant_suspended');

    const active = await patch(acme.id, 'active');
    expect(active.status).toBe(200);
    expect((await t.request('acme.localhost', '/api/tenant')).status).toBe(200);
    expect((await t.request('www.acme-motors.co.id', '/api/tenant')).status).toBe(200);

    const actions = await t.db
      .select({ action: auditLogs.action, actorType: auditLogs.actorType, metadata: auditLogs.metadata })
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, acme.id)));
    expect(actions.map((a) => [a.action, a.actorType])).toEqual([
      ['tenant.suspend', 'platform'],
      ['tenant.reactivate', 'platform'],
    ]);
    expect(actions[0]!.metadata).toMatchObject({ from: 'active', to: 'suspended', via: 'api', platformKey: 'key1' });
  });

  test('another instance sees a suspension within the tenant-cache TTL', async () => {
    const other = await createTestApp({ database: t.database, overrides: { clock } });
    expect((await other.request('acme.localhost', '/api/tenant')).status).toBe(200);
    await patch(acme.id, 'suspended');
    clock.advance(other.deps.env.TENANT_CACHE_TTL_MS + 1);
    expect((await other.request('acme.localhost', '/api/tenant')).status).toBe(403);
    await patch(acme.id, 'active');
    clock.advance(other.deps.env.TENANT_CACHE_TTL_MS + 1);
    expect((await other.request('acme.localhost', '/api/tenant')).status).toBe(200);
  });

  test('webhook routes of a suspended tenant answer 503 with Retry-After, so the sender redelivers', async () => {
    // The mode webhook routes mount: tenant({ whenSuspended: 'retry' }).
    const app = new Hono<AppEnv>()
      .use(requestContext({ deps: t.deps }))
      .use('/webhook/*', tenantMiddleware({ whenSuspended: 'retry' }))
      .post('/webhook/test', (c) => c.json({ ok: true, tenant: c.var.tenant.slug }));
    app.onError(onError);
    const deliver = () => app.request('http://closed.localhost/webhook/test', { method: 'POST', body: '{}' });
    const res = await deliver();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('300');
    expect((await json(res)).error.code).toBe('unavailable');

    const closed = (await json(await platform(t, 'GET', '/api/platform/tenants?q=closed'))).data[0];
    await patch(closed.id, 'active');
    const after = await deliver();
    expect(after.status).toBe(200);
    expect(await json(after)).toEqual({ ok: true, tenant: 'closed' });
    await patch(closed.id, 'suspended');
  });

  test('transitions: allowed ones apply, the same status is a no-op, active → trial is 409', async () => {
    const bintang = (await json(await platform(t, 'GET', '/api/platform/tenants?q=bintang'))).data[0];
    expect((await json(await patch(bintang.id, 'trial'))).data.status).toBe('trial');
    expect((await json(await patch(bintang.id, 'active'))).data.status).toBe('active');

    const demote = await patch(bintang.id, 'trial');
    expect(demote.status).toBe(409);
    expect((await json(demote)).error.code).toBe('invalid_transition');

    expect((await json(await patch(bintang.id, 'suspended'))).data.status).toBe('suspended');
    expect((await json(await patch(bintang.id, 'trial'))).data.status).toBe('trial');

    const bad = await patch(bintang.id, 'deleted');
    expect(bad.status).toBe(400);
    const missing = await patch('0190f5a0-0000-7000-8000-000000000000', 'active');
    expect(missing.status).toBe(404);
  });
});
