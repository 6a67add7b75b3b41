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

  test('secret key names in any spelling, harmless names kept', () => {
    for (const key of [
      'XApiKey',
      'clientsecret',
      'accesstoken',
      'apitoken',
      'newpassword',
      'authKey',
      'encryptionKey',
      'sessionKey',
      'jwt',
      'bearer',
      'signature',
      'x.api key',
      'db_pwd',
      'pass',
    ]) {
      expect([key, isSecretKey(key)]).toEqual([key, true]);
    }
    for (const key of ['passengers', 'bypassCache', 'passed', 'email', 'name', 'status', 'changed', 'reason']) {
      expect([key, isSecretKey(key)]).toEqual([key, false]);
    }
    expect(redact({ XApiKey: 'k', jwt: 'j', newpassword: 'n', failures: 2, template: 'ghl' })).toEqual({
      XApiKey: REDACTED,
      jwt: REDACTED,
      newpassword: REDACTED,
      failures: 2,
      template: 'ghl',
    });
  });

  test('secrets inside JSON strings, name/value objects and [name, value] pairs', () => {
    const out = redact({
      body: '{"password":"p1","apiKey":"k1","nested":{"note":"ok"}}',
      plain: '{ "a": 1 }',
      cut: '{"user":"a","password":"p1","note":"x',
      headers: [
        { name: 'Authorization', value: 'Bearer abc' },
        { name: 'Accept', value: 'application/json' },
      ],
      pairs: [
        ['x-api-key', 'k2'],
        ['accept', 'text/html'],
      ],
    });
    expect(out).toEqual({
      body: JSON.stringify({ password: REDACTED, apiKey: REDACTED, nested: { note: 'ok' } }),
      plain: '{ "a": 1 }',
      cut: `{"user":"a","password":"${REDACTED}","note":"x`,
      headers: [
        { name: 'Authorization', value: REDACTED },
        { name: 'Accept', value: 'application/json' },
      ],
      pairs: [
        ['x-api-key', REDACTED],
        ['accept', 'text/html'],
      ],
    });
    expect(JSON.stringify(out)).not.toMatch(/p1|k1|k2|abc/);
  });

  test('Bearer tokens, secret query parameters and URL passwords inside strings', () => {
    const out = redact({
      error: 'upstream refused Bearer abc.def-ghi_1 (401)',
      url: 'https://h.test/x?a=1&token=t1&key=k3#top',
      more: 'GET /cb?secret=s1&signature=z9&api_key=q1&access_token=w1&page=2',
      dsn: 'postgres://app:pw1@db:5432/x',
      list: ['see https://h.test/?token=t2'],
    });
    expect(out).toEqual({
      error: `upstream refused Bearer ${REDACTED} (401)`,
      url: `https://h.test/x?a=1&token=${REDACTED}&key=${REDACTED}#top`,
      more: `GET /cb?secret=${REDACTED}&signature=${REDACTED}&api_key=${REDACTED}&access_token=${REDACTED}&page=2`,
      dsn: `postgres://app:${REDACTED}@db:5432/x`,
      list: [`see https://h.test/?token=${REDACTED}`],
    });
  });

  test('audit fields that list field names stay readable', () => {
    // integration.updated / integration.created / user.update record which fields changed: names, not values.
    const metadata = {
      template: 'ghl',
      name: 'CRM',
      changed: ['name', 'config.apiKey', 'config.baseUrl'],
      fields: ['apiKey', 'baseUrl'],
      user: { changed: ['password'], email: { from: 'a@x.test', to: 'b@x.test' } },
      reason: 'wrong_password',
      failures: 3,
      passengers: 7,
      status: 'connected',
      at: new Date('2026-01-01T00:00:00Z'),
    };
    expect(redact(metadata)).toEqual(metadata);
  });

  test('deep input is bounded, not a stack overflow', () => {
    let deep: unknown = { token: 'hunter2' };
    for (let i = 0; i < 10_000; i++) deep = { next: deep };
    expect(JSON.stringify(redact(deep))).not.toContain('hunter2');
    let text = '{"password":"hunter2"}';
    for (let i = 0; i < 12; i++) text = JSON.stringify({ next: text });
    expect(JSON.stringify(redact({ text }))).not.toContain('hunter2');
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
