import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../src/lib/app-env';
import { validate } from '../../src/lib/validate';
import { createTenant, createTestApp, json, type TestApp } from '../helpers/app';

describe('one error shape for every failure', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { BODY_LIMIT_BYTES: '2048' } });
    await createTenant(t.deps, { slug: 'acme' });
    // A probe route behind the real middleware stack, to exercise body handling before later issues add theirs.
    const probe = new Hono<AppEnv>().post(
      '/',
      validate('json', z.object({ year: z.number().int().min(1950), name: z.string().min(1) })),
      (c) => c.json({ data: c.req.valid('json') }, 201),
    );
    t.app.route('/api/probe', probe);
  });
  afterAll(() => t.close());

  const expectShape = (body: any, code: string) => {
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    expect(typeof body.error.requestId).toBe('string');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|select |insert /i);
  };

  test('unknown route → 404 not_found', async () => {
    const res = await t.request('acme.localhost', '/nope');
    expect(res.status).toBe(404);
    expectShape(await json(res), 'not_found');
  });

  test('malformed JSON → 400 malformed_json', async () => {
    const res = await t.request('acme.localhost', '/api/probe', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"year": 20',
    });
    expect(res.status).toBe(400);
    expectShape(await json(res), 'malformed_json');
  });

  test('wrong content type → 415 unsupported_media_type', async () => {
    const res = await t.request('acme.localhost', '/api/probe', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(res.status).toBe(415);
    expectShape(await json(res), 'unsupported_media_type');
  });

  test('oversized body → 413 payload_too_large', async () => {
    const res = await t.request('acme.localhost', '/api/probe', {
      method: 'POST',
      json: { name: 'x'.repeat(5000), year: 2020 },
    });
    expect(res.status).toBe(413);
    expectShape(await json(res), 'payload_too_large');
  });

  test('validation failure lists every issue', async () => {
    const res = await t.request('acme.localhost', '/api/probe', {
      method: 'POST',
      json: { year: 1900, name: '' },
    });
    expect(res.status).toBe(400);
    const body = await json(res);
    expectShape(body, 'validation_failed');
    expect(body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['name', 'year']);
  });

  test('a valid request passes through', async () => {
    const res = await t.request('acme.localhost', '/api/probe', {
      method: 'POST',
      json: { year: 2020, name: 'ok' },
    });
    expect(res.status).toBe(201);
  });

  test('incoming x-request-id is kept when safe, replaced when not', async () => {
    const kept = await t.request('acme.localhost', '/api/tenant', { headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers.get('x-request-id')).toBe('abc-123');
    const replaced = await t.request('acme.localhost', '/api/tenant', {
      headers: { 'x-request-id': 'bad id <script>' },
    });
    expect(replaced.headers.get('x-request-id')).not.toBe('bad id <script>');
    const long = await t.request('acme.localhost', '/api/tenant', {
      headers: { 'x-request-id': 'a'.repeat(129) },
    });
    expect(long.headers.get('x-request-id')!.length).toBeLessThanOrEqual(128);
  });
});
