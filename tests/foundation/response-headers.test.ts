// CONTRACT §1 on every response, whatever built it: x-request-id and `application/json; charset=utf-8`.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Hono } from 'hono';
import type { AppEnv } from '../../src/lib/app-env';
import { requestContext } from '../../src/middleware/request-context';
import { createTenant, createTestApp, createUser, type TestApp, tokenFor } from '../helpers/app';

const JSON_UTF8 = 'application/json; charset=utf-8';

describe('response headers', () => {
  let t: TestApp;
  let token: string;
  /** Like a Response from fetch() on runtimes that lock its headers: any change throws. */
  const lockedResponse = () => {
    const res = new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } });
    for (const method of ['set', 'append', 'delete'] as const) {
      Object.defineProperty(res.headers, method, {
        value: () => {
          throw new TypeError('immutable');
        },
      });
    }
    return res;
  };
  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: 'https://shop.example' } });
    const tenant = await createTenant(t.deps, { slug: 'acme' });
    token = await tokenFor(t.deps, await createUser(t.deps, tenant.id, { role: 'owner' }));
  });
  afterAll(() => t.close());

  test('a 304 from GET /api/tenant keeps x-request-id, CORS and rate-limit headers', async () => {
    const first = await t.request('acme.localhost', '/api/tenant');
    const again = await t.request('acme.localhost', '/api/tenant', {
      headers: {
        'if-none-match': first.headers.get('etag')!,
        origin: 'https://shop.example',
        'x-request-id': 'probe-1',
      },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('x-request-id')).toBe('probe-1');
    expect(again.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(again.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    expect(again.headers.get('ratelimit-remaining')).toBeTruthy();
  });

  test('JSON successes say charset=utf-8: tenant, health, openapi, admin', async () => {
    for (const [host, path, auth] of [
      ['acme.localhost', '/api/tenant', undefined],
      ['localhost', '/health', undefined],
      ['localhost', '/openapi.json', undefined],
      ['acme.localhost', '/api/admin/auth/me', token],
    ] as const) {
      const res = await t.request(host, path, { token: auth });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(JSON_UTF8);
      expect(res.headers.get('x-request-id')).toBeTruthy();
    }
  });

  test('JSON errors say charset=utf-8 (onError and notFound alike)', async () => {
    const unknownRoute = await t.request('acme.localhost', '/api/nope');
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.headers.get('content-type')).toBe(JSON_UTF8);
    const unauthorized = await t.request('acme.localhost', '/api/admin/auth/me');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('content-type')).toBe(JSON_UTF8);
    expect(unauthorized.headers.get('x-request-id')).toBeTruthy();
  });

  test('a response with immutable headers is copied so it still gets both headers', async () => {
    // requestContext alone: in the full stack other middleware touches headers first.
    const app = new Hono<AppEnv>().use(requestContext({ deps: t.deps })).get('/', () => lockedResponse());
    const res = await app.request('/', { headers: { 'x-request-id': 'probe-2' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('probe-2');
    expect(res.headers.get('content-type')).toBe(JSON_UTF8);
    expect(await res.json()).toEqual({ ok: true });
  });

  test('non-JSON responses keep their own content type', async () => {
    const docs = await t.request('localhost', '/docs');
    expect(docs.headers.get('content-type')).toContain('text/html');
  });
});
