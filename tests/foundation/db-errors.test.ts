// A Postgres data error that slips past validation is still 400 validation_failed with a detail line.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { queryRows } from '../../src/db/client';
import type { AppEnv } from '../../src/lib/app-env';
import { createTestApp, json, type TestApp } from '../helpers/app';

describe('database data errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const probe = new Hono<AppEnv>().get('/:value', async (c) => {
      await queryRows(c.var.deps.db, sql`select ${c.req.param('value')}::int4 as n`);
      return c.json({ ok: true });
    });
    t.app.route('/probe-db', probe);
  });
  afterAll(() => t.close());

  test('22xxx (out of range, malformed) → 400 validation_failed with a details entry', async () => {
    for (const value of ['99999999999', 'abc']) {
      const res = await t.request('localhost', `/probe-db/${value}`);
      expect(res.status).toBe(400);
      const error = (await json(res)).error;
      expect(error.code).toBe('validation_failed');
      expect(error.details).toEqual([{ path: '(unknown)', message: 'A value is out of range or malformed' }]);
      expect(JSON.stringify(error)).not.toMatch(/int4|select/i);
    }
  });
});
