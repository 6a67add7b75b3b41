import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createTestApp, json, type TestApp } from '../helpers/app';
import { createPlatformApp, KEY_A, KEY_B, platform } from './helpers';

const ID = '0190f5a0-0000-7000-8000-000000000000';

// Every platform route, including the jobs SSE route another module mounts under the same guard.
const routes: [string, string, unknown?][] = [
  ['POST', '/api/platform/tenants', { name: 'X', slug: 'xx', owner: {} }],
  ['GET', '/api/platform/tenants'],
  ['GET', `/api/platform/tenants/${ID}`],
  ['PATCH', `/api/platform/tenants/${ID}`, { status: 'suspended' }],
  ['GET', `/api/platform/jobs/${ID}/events`],
  ['GET', '/api/platform/integration-templates'],
  ['POST', '/api/platform/integration-templates', { name: 'x' }],
  ['GET', `/api/platform/integration-templates/${ID}`],
  ['PATCH', `/api/platform/integration-templates/${ID}`, { isActive: false }],
  ['DELETE', `/api/platform/integration-templates/${ID}`],
  ['GET', '/api/platform/no-such-route'],
];

describe('platform API key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createPlatformApp();
  });
  afterAll(() => t.close());

  test('no key is 401 unauthorized on every platform route', async () => {
    for (const [method, path, body] of routes) {
      const res = await platform(t, method, path, { key: null, json: body });
      const err = (await json(res)).error;
      expect({ method, path, status: res.status, code: err?.code }).toEqual({
        method,
        path,
        status: 401,
        code: 'unauthorized',
      });
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
    }
  });

  test('a wrong key, a near-miss key and a malformed header are 401 on every platform route', async () => {
    const wrong = [
      { authorization: 'Bearer not-the-key' },
      { authorization: `Bearer ${KEY_A.slice(0, -1)}` },
      { authorization: `Bearer ${KEY_A}x` },
      { authorization: `Basic ${KEY_A}` },
      { authorization: KEY_A },
      { authorization: 'Bearer ' },
    ];
    for (const [method, path, body] of routes) {
      for (const headers of wrong) {
        const res = await platform(t, method, path, { key: null, headers, json: body });
        expect({ method, path, headers, status: res.status }).toEqual({ method, path, headers, status: 401 });
      }
    }
  });

  test('every configured key is accepted (rotation), on any host', async () => {
    for (const key of [KEY_A, KEY_B]) {
      const res = await platform(t, 'GET', '/api/platform/tenants', { key });
      expect(res.status).toBe(200);
    }
    const onTenantHost = await t.request('nobody.localhost', '/api/platform/tenants', {
      headers: { authorization: `Bearer ${KEY_B}` },
    });
    expect(onTenantHost.status).toBe(200);
  });

  test('with no keys configured the platform API is closed', async () => {
    const closed = await createTestApp({ database: t.database });
    for (const key of ['', 'anything', KEY_A]) {
      const res = await closed.request('ops.example.net', '/api/platform/tenants', {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(401);
    }
  });
});
