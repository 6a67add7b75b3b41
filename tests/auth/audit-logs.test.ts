// The audit log: redaction at any depth, IP masking, and GET /api/admin/audit-logs with filters,
// pagination and newest-first order, scoped to the tenant.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { User } from '../../drizzle/schema';
import { isSecretKey, maskIp, REDACTED, redact } from '../../src/lib/redact';
import { recordAudit } from '../../src/repositories/audit-logs';
import { createTenant, createTestApp, createUser, json, type TestApp, tokenFor } from '../helpers/app';

describe('redaction and IP masking', () => {
  test('secrets are redacted at any depth, other fields kept', () => {
    const out = redact({
      email: 'a@x.test',
      password: 'hunter2',
      config: { deviceToken: 't', baseUrl: 'https://x', nested: [{ apiKey: 'k', 'x-api-key': 'k', note: 'ok' }] },
      webhook_secret: 's',
      Authorization: 'Bearer x',
      refreshToken: 'r',
      privateKey: 'p',
      passengers: 7,
      bypassCache: true,
    }) as Record<string, any>;
    expect(out).toEqual({
      email: 'a@x.test',
      password: REDACTED,
      config: {
        deviceToken: REDACTED,
        baseUrl: 'https://x',
        nested: [{ apiKey: REDACTED, 'x-api-key': REDACTED, note: 'ok' }],
      },
      webhook_secret: REDACTED,
      Authorization: REDACTED,
      refreshToken: REDACTED,
      privateKey: REDACTED,
      passengers: 7,
      bypassCache: true,
    });
    expect(isSecretKey('GHL_API_KEY')).toBe(true);
    expect(isSecretKey('clientSecret')).toBe(true);
  });

  test('IPs keep /24 (v4) and /48 (v6)', () => {
    expect(maskIp('203.0.113.77')).toBe('203.0.113.0');
    expect(maskIp('::ffff:203.0.113.77')).toBe('203.0.113.0');
    expect(maskIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::');
    expect(maskIp('2001:db8::1')).toBe('2001:db8:0::');
    expect(maskIp('2001:0db8:0001::ff%eth0')).toBe('2001:db8:1::');
    expect(maskIp('::1')).toBe('0:0:0::');
    expect(maskIp('not-an-ip')).toBeNull();
    expect(maskIp(undefined)).toBeNull();
  });
});

describe('GET /api/admin/audit-logs', () => {
  let t: TestApp;
  let tenantId: string;
  let owner: User;
  let sales: User;
  beforeAll(async () => {
    t = await createTestApp();
    tenantId = (await createTenant(t.deps, { slug: 'acme' })).id;
    const other = await createTenant(t.deps, { slug: 'other' });
    owner = await createUser(t.deps, tenantId, { role: 'owner' });
    sales = await createUser(t.deps, tenantId, { role: 'sales' });
    const entries = [
      { at: '2026-01-01T10:00:00Z', action: 'auth.login', actor: owner.id },
      { at: '2026-01-02T10:00:00Z', action: 'car.update', actor: owner.id },
      { at: '2026-01-03T10:00:00Z', action: 'auth.login', actor: sales.id },
      { at: '2026-01-04T10:00:00Z', action: 'user.update', actor: owner.id },
    ];
    for (const e of entries)
      await recordAudit({
        db: t.db,
        entry: {
          tenantId,
          actor: { type: 'user', id: e.actor },
          action: e.action,
          targetType: 'car',
          targetId: 'x',
          metadata: { changes: { price: 1 }, integration: { config: { apiKey: 'sk-live-123' } } },
          ip: '198.51.100.23',
          userAgent: 'curl/8',
          at: new Date(e.at),
        },
      });
    await recordAudit({
      db: t.db,
      entry: {
        tenantId: other.id,
        actor: { type: 'platform' },
        action: 'auth.login',
        at: new Date('2026-01-05T00:00:00Z'),
      },
    });
  }, 120_000);
  afterAll(() => t.close());

  const get = async (query = '', user: User = owner) =>
    t.request('acme.localhost', `/api/admin/audit-logs${query}`, { token: await tokenFor(t.deps, user) });

  test('newest first, only this tenant, masked and redacted', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.meta).toEqual({ page: 1, limit: 20, total: 4, totalPages: 1 });
    expect(body.data.map((e: { action: string }) => e.action)).toEqual([
      'user.update',
      'auth.login',
      'car.update',
      'auth.login',
    ]);
    expect(body.data[0]).toMatchObject({
      actorType: 'user',
      actorId: owner.id,
      ip: '198.51.100.0',
      userAgent: 'curl/8',
      createdAt: '2026-01-04T10:00:00.000Z',
      metadata: { changes: { price: 1 }, integration: { config: { apiKey: REDACTED } } },
    });
    expect(JSON.stringify(body)).not.toContain('sk-live-123');
  });

  test('filters: action, actorId, from (inclusive), to (exclusive)', async () => {
    const actions = async (q: string) => (await json(await get(q))).data.map((e: { createdAt: string }) => e.createdAt);
    expect(await actions('?action=auth.login')).toEqual(['2026-01-03T10:00:00.000Z', '2026-01-01T10:00:00.000Z']);
    expect(await actions(`?actorId=${sales.id}`)).toEqual(['2026-01-03T10:00:00.000Z']);
    expect(await actions('?from=2026-01-02T10:00:00Z&to=2026-01-04T10:00:00Z')).toEqual([
      '2026-01-03T10:00:00.000Z',
      '2026-01-02T10:00:00.000Z',
    ]);
    expect(await actions(`?action=auth.login&actorId=${owner.id}&from=2026-01-01T00:00:00%2B07:00`)).toEqual([
      '2026-01-01T10:00:00.000Z',
    ]);
  });

  test('from/to also take dates: whole days in the tenant time zone', async () => {
    const actions = async (q: string) => (await json(await get(q))).data.map((e: { createdAt: string }) => e.createdAt);
    expect(await actions('?from=2026-01-02&to=2026-01-03')).toEqual([
      '2026-01-03T10:00:00.000Z',
      '2026-01-02T10:00:00.000Z',
    ]);
    expect(await actions('?to=2026-01-01')).toEqual(['2026-01-01T10:00:00.000Z']);
    expect(await actions('?from=2026-01-04&to=2026-01-04T12:00:00Z')).toEqual(['2026-01-04T10:00:00.000Z']);
    expect((await get('?from=2026-01-05&to=2026-01-03')).status).toBe(400);
  });

  test('pagination', async () => {
    const body = await json(await get('?limit=3&page=2'));
    expect(body.meta).toEqual({ page: 2, limit: 3, total: 4, totalPages: 2 });
    expect(body.data.length).toBe(1);
    expect(body.data[0].createdAt).toBe('2026-01-01T10:00:00.000Z');
  });

  test('bad filters are 400', async () => {
    for (const q of [
      '?actorId=nope',
      '?from=yesterday',
      '?action=DROP%20TABLE',
      '?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      '?limit=0',
    ]) {
      const res = await get(q);
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
    }
  });

  test('sales may not read it', async () => {
    expect((await get('', sales)).status).toBe(403);
  });
});
