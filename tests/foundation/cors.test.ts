// CORS on every /api response: preflights answered by hono's cors; other requests get the same headers
// written on the final response (src/middleware/cors.ts), whatever built it.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Hono } from 'hono';
import type { AppEnv } from '../../src/lib/app-env';
import { cors } from '../../src/middleware/cors';
import { requestContext } from '../../src/middleware/request-context';
import { createTenant, createTestApp, type TestApp } from '../helpers/app';

describe('CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: 'https://shop.example' } });
    await createTenant(t.deps, { slug: 'acme', domains: ['www.acme-motors.co.id'] });
    await createTenant(t.deps, { slug: 'other' });
  });
  afterAll(() => t.close());

  const get = (path: string, origin?: string) =>
    t.request('acme.localhost', path, { headers: origin ? { origin } : {} });
  const expectCors = (res: Response, allowed: string | null) => {
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-expose-headers')).toBe(
      'ETag,X-Request-Id,RateLimit-Limit,RateLimit-Remaining,RateLimit-Reset,Retry-After',
    );
    expect(
      res.headers
        .get('vary')
        ?.split(',')
        .map((v) => v.trim()),
    ).toContain('Origin');
  };

  test('the tenant own hosts, other hosts of the same tenant and configured origins are allowed', async () => {
    for (const origin of ['http://acme.localhost:5173', 'https://www.acme-motors.co.id', 'https://shop.example']) {
      const res = await get('/api/tenant', origin);
      expect(res.status).toBe(200);
      expectCors(res, origin);
    }
  });

  test('anyone else gets no Access-Control-Allow-Origin, and never *', async () => {
    for (const origin of ['https://evil.example', 'http://other.localhost', 'not a url', 'null']) {
      expectCors(await get('/api/tenant', origin), null);
    }
    expectCors(await get('/api/tenant'), null);
  });

  test('a response keeps its own Vary; errors and 304s carry CORS too', async () => {
    const cars = await get('/api/cars', 'https://shop.example');
    expect(cars.status).toBe(200);
    expectCors(cars, 'https://shop.example');
    expect(cars.headers.get('vary')).toBe('Host, Accept-Encoding, Origin');

    const missing = await get('/api/cars/no-such-car', 'https://shop.example');
    expect(missing.status).toBe(404);
    expectCors(missing, 'https://shop.example');

    const unauthorized = await get('/api/admin/auth/me', 'https://shop.example');
    expect(unauthorized.status).toBe(401);
    expectCors(unauthorized, 'https://shop.example');

    const etag = cars.headers.get('etag')!;
    const again = await t.request('acme.localhost', '/api/cars', {
      headers: { origin: 'https://shop.example', 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    expectCors(again, 'https://shop.example');
  });

  test('preflights: allowed origin with methods and headers, others refused', async () => {
    const preflight = (origin: string) =>
      t.request('acme.localhost', '/api/admin/auth/me', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'PATCH' },
      });
    const ok = await preflight('https://shop.example');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(ok.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(ok.headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(ok.headers.get('access-control-max-age')).toBe('600');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  test('a response whose headers are immutable is copied, then gets its CORS headers', async () => {
    const app = new Hono<AppEnv>();
    app.use(requestContext({ deps: t.deps }));
    app.use(cors({ origins: ['https://shop.example'], proxyHops: 0 }));
    app.get('/locked', () => {
      const res = new Response('{"ok":true}', { headers: { 'content-type': 'application/json', vary: 'Accept' } });
      for (const method of ['set', 'append', 'delete'] as const) {
        Object.defineProperty(res.headers, method, {
          value: () => {
            throw new TypeError('immutable');
          },
        });
      }
      return res;
    });
    const res = await app.request('/locked', { headers: { origin: 'https://shop.example' } });
    expect(res.status).toBe(200);
    expectCors(res, 'https://shop.example');
    expect(res.headers.get('vary')).toBe('Accept, Origin');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(await res.json()).toEqual({ ok: true });
  });
});
