// The rate-limit middleware in the real app: which routes each group covers, what it keys on,
// the RateLimit-* headers and 429 rate_limited with Retry-After, driven by a manual clock.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Hono, type MiddlewareHandler } from 'hono';
import type { Tenant, User } from '../../drizzle/schema';
import { parseEnv } from '../../src/env';
import type { AppEnv } from '../../src/lib/app-env';
import { manualClock } from '../../src/lib/clock';
import { DEFAULT_RATE_LIMITS, parseRateLimitOverrides } from '../../src/lib/rate-limit/config';
import { onError } from '../../src/middleware/error-handler';
import { byIpAndTenant, byProviderAndIp, rateLimit } from '../../src/middleware/rate-limit';
import { requestContext } from '../../src/middleware/request-context';
import { createTenant, createTestApp, createUser, json, type TestApp, tokenFor } from '../helpers/app';

describe('RATE_LIMIT_OVERRIDES', () => {
  test('group:capacity/window with s, m, h, d or bare seconds; group:off', () => {
    const { config, problems } = parseRateLimitOverrides('login:10/1m, inquiries:3/2h,admin:off,public:50/30');
    expect(problems).toEqual([]);
    expect(config.login).toEqual({ capacity: 10, windowSeconds: 60 });
    expect(config.inquiries).toEqual({ capacity: 3, windowSeconds: 7200 });
    expect(config.admin).toBeNull();
    expect(config.public).toEqual({ capacity: 50, windowSeconds: 30 });
    expect(config.webhooks).toEqual(DEFAULT_RATE_LIMITS.webhooks);
  });

  test('bad entries fail start-up with every problem listed', () => {
    expect(() => parseEnv({ NODE_ENV: 'test', RATE_LIMIT_OVERRIDES: 'logins:5/1m,login:0/1m,admin:5/1y' })).toThrow(
      /logins:5\/1m[\s\S]*login:0\/1m[\s\S]*admin:5\/1y/,
    );
    expect(parseEnv({ NODE_ENV: 'test' }).rateLimits).toEqual(DEFAULT_RATE_LIMITS);
  });
});

describe('rate-limit middleware', () => {
  let t: TestApp;
  const clock = manualClock('2026-07-01T00:00:00Z');
  let owner: User;
  let sales: User;
  beforeAll(async () => {
    t = await createTestApp({
      overrides: { clock },
      env: {
        TRUST_PROXY: 'true',
        RATE_LIMIT_OVERRIDES: 'public:3/1m,inquiries:2/1h,login:2/1m,admin:4/1m,webhooks:2/1m',
      },
    });
    const acme = await createTenant(t.deps, { slug: 'acme' });
    await createTenant(t.deps, { slug: 'other' });
    owner = await createUser(t.deps, acme.id, { role: 'owner', email: 'o@acme.test' });
    sales = await createUser(t.deps, acme.id, { role: 'sales', email: 's@acme.test' });
  }, 120_000);
  afterAll(() => t.close());

  let ipCounter = 1;
  const freshIp = () => `198.51.100.${ipCounter++}`;
  const get = (path: string, ip: string, host = 'acme.localhost', init: Parameters<TestApp['request']>[2] = {}) =>
    t.request(host, path, { ...init, headers: { 'x-forwarded-for': ip, ...(init.headers as object) } });

  test('a car list or detail request takes exactly one token (each middleware runs once per request)', async () => {
    for (const path of ['/api/cars', '/api/cars/no-such-car']) {
      const ip = freshIp();
      const remaining = [];
      for (let i = 0; i < 3; i++) remaining.push((await get(path, ip)).headers.get('ratelimit-remaining'));
      expect({ path, remaining }).toEqual({ path, remaining: ['2', '1', '0'] });
      expect((await get(path, ip)).status).toBe(429);
    }
  });

  test('public reads carry RateLimit-* headers and turn into 429 rate_limited with Retry-After', async () => {
    const ip = freshIp();
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const res = await get('/api/tenant', ip);
      expect(res.status).toBe(200);
      seen.push([res.headers.get('ratelimit-limit'), res.headers.get('ratelimit-remaining')]);
    }
    expect(seen).toEqual([
      ['3', '2'],
      ['3', '1'],
      ['3', '0'],
    ]);
    const limited = await get('/api/tenant', ip);
    expect(limited.status).toBe(429);
    expect((await json(limited)).error.code).toBe('rate_limited');
    expect(limited.headers.get('retry-after')).toBe('20'); // 3 per minute: one token every 20 s
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('ratelimit-reset')).toBe('60');
    expect(limited.headers.get('cache-control')).toBeNull();
    clock.advance(20_000);
    expect((await get('/api/tenant', ip)).status).toBe(200);
  });

  test('public reads are keyed by IP and tenant', async () => {
    const ip = freshIp();
    for (let i = 0; i < 3; i++) await get('/api/cars', ip);
    expect((await get('/api/cars/some-slug', ip)).status).toBe(429); // /api/cars* share the bucket
    expect((await get('/api/tenant', ip, 'other.localhost')).status).toBe(200);
    expect((await get('/api/tenant', freshIp())).status).toBe(200);
  });

  test('the client is the address the proxy appended: entries the client wrote before it are not believed', async () => {
    const ip = freshIp();
    for (let i = 0; i < 3; i++) expect((await get('/api/tenant', `10.9.9.${i}, ${ip}`)).status).toBe(200);
    expect((await get('/api/tenant', `203.0.113.99,${ip}`)).status).toBe(429);
    // Not an address (a misbehaving proxy, or none): the socket address counts, never the text.
    const junk = await get('/api/tenant', `${freshIp()}, not-an-ip`);
    expect(junk.status).toBe(200);
    expect(junk.headers.get('ratelimit-remaining')).toBe('2');
  });

  test('IPv6 clients are limited per /64; an IPv4-mapped address is its IPv4 address', async () => {
    for (const ip of ['2001:db8:1:2::1', '2001:db8:1:2::2', '[2001:DB8:1:2:ffff::3]:443']) {
      expect((await get('/api/tenant', ip)).status).toBe(200);
    }
    expect((await get('/api/tenant', '2001:db8:1:2:abcd::9')).status).toBe(429);
    expect((await get('/api/tenant', '2001:db8:1:3::1')).status).toBe(200); // the next /64
    const v4 = freshIp();
    for (let i = 0; i < 3; i++) await get('/api/tenant', i % 2 ? v4 : `::ffff:${v4}`);
    expect((await get('/api/tenant', `::ffff:${v4}`)).status).toBe(429);
  });

  test('inquiries: POST /api/leads is limited, reads are not counted there', async () => {
    const ip = freshIp();
    const post = () => get('/api/leads', ip, 'acme.localhost', { method: 'POST', json: { name: 'Budi' } });
    for (let i = 0; i < 2; i++) expect((await post()).status).not.toBe(429);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1800');
  });

  test('login: sign-in and refresh share a per-IP bucket; the account lockout is separate', async () => {
    const ip = freshIp();
    const login = () =>
      get('/api/admin/auth/login', ip, 'acme.localhost', {
        method: 'POST',
        json: { email: 'o@acme.test', password: 'wrong-password-here' },
      });
    expect((await login()).status).toBe(401);
    const refresh = await get('/api/admin/auth/refresh', ip, 'acme.localhost', {
      method: 'POST',
      json: { refreshToken: 'x'.repeat(43) },
    });
    expect(refresh.status).toBe(401);
    expect(refresh.headers.get('ratelimit-limit')).toBe('2'); // the tighter group is reported
    const limited = await login();
    expect(limited.status).toBe(429);
    expect((await json(limited)).error.code).toBe('rate_limited');
    // Another client can still sign in to the same account.
    const other = await get('/api/admin/auth/login', freshIp(), 'acme.localhost', {
      method: 'POST',
      json: { email: 'o@acme.test', password: 'correct-horse-battery-staple' },
    });
    expect(other.status).toBe(200);
  });

  test('admin: keyed by user once signed in (IP does not matter), by IP before', async () => {
    const token = await tokenFor(t.deps, sales);
    for (let i = 0; i < 4; i++) {
      const res = await get('/api/admin/auth/me', freshIp(), 'acme.localhost', { token });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-remaining')).toBe(String(3 - i));
    }
    expect((await get('/api/admin/auth/me', freshIp(), 'acme.localhost', { token })).status).toBe(429);
    // Another user from the same IPs is unaffected.
    const ownerToken = await tokenFor(t.deps, owner);
    expect(
      (await get('/api/admin/auth/me', `198.51.100.${ipCounter - 1}`, 'acme.localhost', { token: ownerToken })).status,
    ).toBe(200);
    // Without a valid token, requests count against the IP, and a forged token does not escape it.
    const ip = freshIp();
    for (let i = 0; i < 4; i++) expect((await get('/api/admin/users', ip)).status).toBe(401);
    const forged = await get('/api/admin/users', ip, 'acme.localhost', { token: `${token.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(429);
  });

  test("admin: a forwarded address naming a user does not spend that user's tokens", async () => {
    const token = await tokenFor(t.deps, owner);
    const spoofed = `u:${owner.id}`;
    for (let i = 0; i < 4; i++) expect((await get('/api/admin/users', spoofed)).status).toBe(401);
    expect((await get('/api/admin/users', spoofed)).status).toBe(429);
    const res = await get('/api/admin/auth/me', freshIp(), 'acme.localhost', { token });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('ratelimit-remaining'))).toBeGreaterThan(0);
  });

  test('webhooks: per provider and IP, no tenant needed', async () => {
    const ip = freshIp();
    for (let i = 0; i < 2; i++)
      expect((await get('/webhook/fonnte/abc', ip, 'localhost', { method: 'POST' })).status).not.toBe(429);
    expect((await get('/webhook/fonnte/xyz', ip, 'localhost', { method: 'POST' })).status).toBe(429);
    expect((await get('/webhook/ghl', ip, 'localhost', { method: 'POST' })).status).not.toBe(429);
  });

  test('TRUST_PROXY_HOPS=2: the client is the second address from the right, the host the second entry', async () => {
    const two = await createTestApp({
      env: { TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '2', RATE_LIMIT_OVERRIDES: 'public:2/1m' },
    });
    try {
      await createTenant(two.deps, { slug: 'acme' });
      const hit = (xff: string) =>
        two.request('internal-lb:8080', '/api/tenant', {
          headers: { 'x-forwarded-for': xff, 'x-forwarded-host': 'evil.localhost, acme.localhost, lb.internal' },
        });
      const first = await hit('1.1.1.1, 198.51.100.200, 10.0.0.2');
      expect(first.status).toBe(200);
      expect((await json(first)).data.slug).toBe('acme');
      expect((await hit('2.2.2.2, 198.51.100.200, 10.0.0.3')).status).toBe(200);
      expect((await hit('198.51.100.200, 10.0.0.4')).status).toBe(429);
      expect((await hit('198.51.100.201, 10.0.0.2')).status).toBe(200);
    } finally {
      await two.close();
    }
  }, 120_000);

  test('unlimited routes carry no RateLimit headers', async () => {
    const res = await t.request('acme.localhost', '/health');
    expect(res.headers.get('ratelimit-limit')).toBeNull();
  });
});

describe('a group switched off', () => {
  test('no headers, no limit', async () => {
    const t = await createTestApp({ env: { RATE_LIMIT_OVERRIDES: 'public:off' } });
    try {
      await createTenant(t.deps, { slug: 'acme' });
      for (let i = 0; i < 3; i++) {
        const res = await t.request('acme.localhost', '/api/tenant');
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit-limit')).toBeNull();
      }
    } finally {
      await t.close();
    }
  }, 120_000);
});

describe('rateLimit() on its own', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await createTestApp({ env: { RATE_LIMIT_OVERRIDES: 'admin:2/1m' } });
    b = await createTestApp({ env: { RATE_LIMIT_OVERRIDES: 'admin:5/1m' } });
  }, 120_000);
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  /** An app that runs `limiter` on every method of /x, for the given deps, under a fixed tenant. */
  const appWith = (t: TestApp, limiter: MiddlewareHandler<AppEnv>) => {
    const app = new Hono<AppEnv>();
    app.use(requestContext({ deps: t.deps }));
    app.use(async (c, next) => {
      c.set('tenant', { id: 'tenant-1' } as Tenant);
      await next();
    });
    app.use(limiter);
    app.all('/x', (c) => c.text('ok'));
    app.onError(onError);
    return app;
  };
  const remaining = async (app: Hono<AppEnv>, method: string) =>
    (await app.request('/x', { method })).headers.get('ratelimit-remaining');

  test('only the listed methods count: one, two (any case) or more', async () => {
    const one = appWith(a, rateLimit({ group: 'admin', key: byIpAndTenant, methods: ['post'] }));
    expect(await remaining(one, 'GET')).toBeNull();
    expect(await remaining(one, 'POST')).toBe('1');
    const two = appWith(a, rateLimit({ group: 'admin', key: byProviderAndIp, methods: ['GET', 'head'] }));
    expect(await remaining(two, 'POST')).toBeNull();
    expect(await remaining(two, 'HEAD')).toBe('1');
    expect(await remaining(two, 'GET')).toBe('0');
    const three = rateLimit({
      group: 'admin',
      key: { scope: () => 'three', subject: () => 's' },
      methods: ['PUT', 'PATCH', 'DELETE'],
    });
    const app = appWith(a, three);
    expect(await remaining(app, 'GET')).toBeNull();
    expect(await remaining(app, 'POST')).toBeNull();
    expect(await remaining(app, 'DELETE')).toBe('1');
    expect(await remaining(app, 'PATCH')).toBe('0');
    expect((await app.request('/x', { method: 'PUT' })).status).toBe(429);
    expect((await app.request('/x', { method: 'GET' })).status).toBe(200);
  });

  test('one limiter used by apps with different deps applies each app its own rule and store', async () => {
    const shared = rateLimit({ group: 'admin', key: { scope: () => 'shared', subject: () => 's' } });
    const inA = appWith(a, shared);
    const inB = appWith(b, shared);
    expect(await remaining(inA, 'GET')).toBe('1');
    expect(await remaining(inB, 'GET')).toBe('4');
    expect(await remaining(inA, 'GET')).toBe('0');
    expect(await remaining(inB, 'GET')).toBe('3');
    expect((await inA.request('/x')).status).toBe(429);
    expect(await remaining(inB, 'GET')).toBe('2');
  });
});
