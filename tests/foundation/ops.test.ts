import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createTenant, createTestApp, json, type TestApp } from '../helpers/app';
import { createTestDatabase } from '../helpers/db';

describe('operations endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { METRICS_TOKEN: 'metrics-token-0123456789' } });
    await createTenant(t.deps, { slug: 'acme' });
  });
  afterAll(() => t.close());

  test('GET /health on any host → 200 with db ok', async () => {
    const res = await t.request('whatever.example', '/health');
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'ok', db: 'ok', version: expect.any(String) });
  });

  test('GET /health → 503 with db down when the database is gone', async () => {
    const down = await createTestApp({ database: await createTestDatabase() });
    await down.database.close();
    const res = await down.request('localhost', '/health');
    expect(res.status).toBe(503);
    expect(await json(res)).toMatchObject({ db: 'down' });
  });

  test('GET /metrics requires the token when set and serves Prometheus text', async () => {
    expect((await t.request('localhost', '/metrics')).status).toBe(401);
    await t.request('acme.localhost', '/api/tenant');
    const res = await t.request('localhost', '/metrics', { token: 'metrics-token-0123456789' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('http_requests_total{method="GET",route="/api/tenant",status="200"}');
    expect(text).toContain('http_request_duration_seconds_bucket');
  });

  test('GET /openapi.json is OpenAPI 3.1 and lists the routes; /docs renders', async () => {
    const res = await t.request('localhost', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/metrics', '/api/tenant']));
    const docs = await t.request('localhost', '/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/openapi.json');
  });

  test('secure headers are set', async () => {
    const res = await t.request('acme.localhost', '/api/tenant');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('etag')).toBeTruthy();
    expect(res.headers.get('cache-control')).toContain('max-age=');
    const again = await t.request('acme.localhost', '/api/tenant', {
      headers: { 'if-none-match': res.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  test('CORS allows the tenant own hosts and configured origins, never *', async () => {
    const preflight = (origin: string) =>
      t.request('acme.localhost', '/api/admin/auth/me', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET' },
      });
    expect((await preflight('http://acme.localhost:5173')).headers.get('access-control-allow-origin')).toBe(
      'http://acme.localhost:5173',
    );
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});
