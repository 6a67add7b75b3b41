// Every log line written while serving a request names its request id (the one in x-request-id), whether
// the request log writes it or something that logs through requestLogger(c).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Hono } from 'hono';
import type { AppEnv } from '../../src/lib/app-env';
import { createLogger } from '../../src/lib/logger';
import { onError } from '../../src/middleware/error-handler';
import { requestContext, requestLogger } from '../../src/middleware/request-context';
import { requestLog } from '../../src/middleware/request-log';
import { createTenant, createTestApp, type TestApp } from '../helpers/app';

describe('request logs', () => {
  let t: TestApp;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const log = createLogger('info', { service: 'showroom' }, (line) => lines.push(JSON.parse(line)));
    t = await createTestApp({ overrides: { log } });
    await createTenant(t.deps, { slug: 'acme' });
  });
  afterAll(() => t.close());

  test('the request line carries the request id, the service and the route', async () => {
    lines.length = 0;
    const res = await t.request('acme.localhost', '/api/tenant', { headers: { 'x-request-id': 'probe-log-1' } });
    expect(res.status).toBe(200);
    const line = lines.find((l) => l.msg === 'request');
    expect(line).toMatchObject({
      level: 'info',
      service: 'showroom',
      requestId: 'probe-log-1',
      method: 'GET',
      path: '/api/tenant',
      route: '/api/tenant',
      status: 200,
      tenant: 'acme',
    });
    // A generated id is logged too, and it is the one the response names.
    lines.length = 0;
    const other = await t.request('acme.localhost', '/api/tenant');
    expect(lines.find((l) => l.msg === 'request')?.requestId).toBe(other.headers.get('x-request-id')!);
  });

  test('an unhandled error is logged with the request id, and so is any line through requestLogger', async () => {
    lines.length = 0;
    const app = new Hono<AppEnv>();
    app.use(requestContext({ deps: t.deps }));
    app.use(requestLog());
    app.get('/note', (c) => {
      requestLogger(c)?.info('noted', { n: 1 });
      return c.json({ ok: true });
    });
    app.get('/boom', () => {
      throw new Error('kaput');
    });
    app.onError(onError);

    await app.request('/note', { headers: { 'x-request-id': 'probe-log-2' } });
    expect(lines.find((l) => l.msg === 'noted')).toMatchObject({ requestId: 'probe-log-2', n: 1 });

    const res = await app.request('/boom', { headers: { 'x-request-id': 'probe-log-3' } });
    expect(res.status).toBe(500);
    const error = lines.find((l) => l.msg === 'unhandled error');
    expect(error).toMatchObject({ level: 'error', requestId: 'probe-log-3' });
    expect((error?.err as { message?: string })?.message).toBe('kaput');
    expect(lines.find((l) => l.msg === 'request' && l.requestId === 'probe-log-3')).toMatchObject({
      level: 'error',
      status: 500,
    });
  });

  test('requestLogger is undefined before requestContext has run', async () => {
    const app = new Hono<AppEnv>();
    let logger: unknown = 'unset';
    app.get('/', (c) => {
      logger = requestLogger(c);
      return c.text('ok');
    });
    await app.request('/');
    expect(logger).toBeUndefined();
  });
});
