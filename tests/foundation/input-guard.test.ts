// Hostile input shapes are refused with 400 validation_failed before any schema or database sees them:
// absurd nesting (it overflowed JSON stringify → 500) and NUL characters (Postgres text rejects them).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../src/lib/app-env';
import { inputProblems, MAX_INPUT_DEPTH, validate } from '../../src/lib/validate';
import { createTenant, json, type TestApp } from '../helpers/app';
import { createPlatformApp, KEY_A, PLATFORM_HOST, platform, tenantBody } from '../platform/helpers';

const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('input guard', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createPlatformApp();
    await createTenant(t.deps, { slug: 'acme' });
    const probe = new Hono<AppEnv>()
      .post('/', validate('json', z.object({ anything: z.unknown() })), (c) => c.json({ data: c.req.valid('json') }))
      .get('/', validate('query', z.object({ q: z.string().optional() })), (c) =>
        c.json({ data: c.req.valid('query') }),
      );
    t.app.route('/api/probe', probe);
  });
  afterAll(() => t.close());

  test('100 000 nested arrays in a tenant intake → 400 validation_failed, not 500', async () => {
    const body = JSON.stringify(tenantBody({ intake: { businessType: 'other' } })).replace(
      '"businessType":"other"',
      `"deep":${nestedArrays(100_000)}`,
    );
    const res = await t.request(PLATFORM_HOST, '/api/platform/tenants', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_A}` },
      body,
    });
    expect(res.status).toBe(400);
    const error = (await json(res)).error;
    expect(error.code).toBe('validation_failed');
    expect(error.details[0].path).toStartWith('intake.deep.0.0.');
    expect(error.details[0].message).toContain(`${MAX_INPUT_DEPTH} levels`);
  });

  test('nested extras in the intake are refused even when shallow (only scalars are kept)', async () => {
    const res = await platform(t, 'POST', '/api/platform/tenants', {
      json: tenantBody({ intake: { businessType: 'other', extra: { a: [1] } } }),
    });
    expect(res.status).toBe(400);
    expect((await json(res)).error.details.map((d: { path: string }) => d.path)).toEqual(['intake.extra']);
  });

  test('a NUL character anywhere in a JSON body → 400 naming the path', async () => {
    const res = await t.request('acme.localhost', '/api/probe', {
      method: 'POST',
      json: { anything: { list: ['ok', 'bad\u0000value'] } },
    });
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'anything.list.1', message: 'Must not contain NUL characters' }],
    });
  });

  test('a NUL character in a query string → 400', async () => {
    const res = await t.request('acme.localhost', '/api/probe?q=a%00b');
    expect(res.status).toBe(400);
    expect((await json(res)).error.details).toEqual([{ path: 'q', message: 'Must not contain NUL characters' }]);
  });

  test('a NUL in a real route (lead inquiry name) is 400, not a database error', async () => {
    const res = await t.request('acme.localhost', '/api/leads', {
      method: 'POST',
      json: { name: 'A\u0000', phone: '081234567890', message: 'hi' },
    });
    expect(res.status).toBe(400);
    expect((await json(res)).error.details[0].path).toBe('name');
  });

  test('a lone surrogate (half an emoji) in a value or a key → 400 naming the path; whole emoji pass', async () => {
    const body = `{"anything":{"note":"ok \\ud83d","\\udc00k":1,"fine":"\u{1F697}"}}`;
    const res = await t.request('acme.localhost', '/api/probe', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(400);
    const details = (await json(res)).error.details;
    expect(details).toContainEqual({ path: 'anything.note', message: 'Must be valid Unicode text' });
    expect(details).toContainEqual({ path: 'anything.\ufffdk', message: 'Keys must be valid Unicode text' });
    expect(details).toHaveLength(2);
    const car = await t.request('acme.localhost', '/api/probe', { method: 'POST', json: { anything: '\u{1F697}' } });
    expect(car.status).toBe(200);
  });

  test('malformed JSON is still malformed_json; nesting within the limit passes', async () => {
    const bad = await t.request('acme.localhost', '/api/probe', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"anything": [',
    });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe('malformed_json');
    const ok = await t.request('acme.localhost', '/api/probe', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"anything":${nestedArrays(MAX_INPUT_DEPTH - 1)}}`,
    });
    expect(ok.status).toBe(200);
  });

  test('inputProblems is iterative and cheap: a million-deep structure is one problem', () => {
    let deep: unknown[] = [];
    const root = deep;
    for (let i = 0; i < 1_000_000; i++) {
      const next: unknown[] = [];
      deep.push(next);
      deep = next;
    }
    const started = performance.now();
    expect(inputProblems(root)).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
