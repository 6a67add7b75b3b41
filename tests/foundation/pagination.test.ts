// One ?page&limit rule on every list: plain digits only, bounded, blank = default, one detail line per field.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { pageMeta, paginationQuery } from '../../src/lib/pagination';
import { createTenant, createTestApp, createUser, json, type TestApp, tokenFor } from '../helpers/app';
import { KEY_A } from '../platform/helpers';

describe('paginationQuery', () => {
  test('plain digits within bounds; absent or blank is the default', () => {
    expect(paginationQuery.parse({})).toEqual({ page: 1, limit: 20 });
    expect(paginationQuery.parse({ page: '', limit: '' })).toEqual({ page: 1, limit: 20 });
    expect(paginationQuery.parse({ page: '3', limit: '100' })).toEqual({ page: 3, limit: 100 });
    expect(paginationQuery.parse({ page: '100000', limit: '007' })).toEqual({ page: 100_000, limit: 7 });
  });

  test('hex, exponent, sign, decimals, spaces and out-of-range values are refused, one issue each', () => {
    for (const page of ['0x10', '1e2', '-1', '+1', '1.5', ' 1', '0', '100001', '99999999999999999999']) {
      const result = paginationQuery.safeParse({ page });
      expect({ page, ok: result.success, issues: result.error?.issues.length }).toEqual({ page, ok: false, issues: 1 });
    }
    for (const limit of ['0', '101', '1e1']) expect(paginationQuery.safeParse({ limit }).success).toBe(false);
  });

  test('pageMeta', () => {
    expect(pageMeta(2, 20, 134)).toEqual({ page: 2, limit: 20, total: 134, totalPages: 7 });
    expect(pageMeta(1, 20, 0)).toEqual({ page: 1, limit: 20, total: 0, totalPages: 0 });
  });
});

describe('list routes share the rule', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { PLATFORM_API_KEYS: KEY_A } });
    const tenant = await createTenant(t.deps, { slug: 'acme' });
    token = await tokenFor(t.deps, await createUser(t.deps, tenant.id, { role: 'owner' }));
  });
  afterAll(() => t.close());

  const admin = [
    '/api/admin/users',
    '/api/admin/audit-logs',
    '/api/admin/leads',
    '/api/admin/integrations',
    '/api/admin/jobs',
    '/api/admin/cars',
  ];
  /** Car lists stop at page 10 000 (CAR_MAX_PAGE: OFFSET over a public, searched list); the rest at 100 000. */
  const maxPage = (path: string) => (path.includes('/cars') ? 10_000 : 100_000);
  const adminAll = [...admin, '/api/admin/integration-templates'];

  test('a huge page is one 400 detail line on every list, never a database error', async () => {
    for (const path of adminAll) {
      const res = await t.request('acme.localhost', `${path}?page=99999999999999999999`, { token });
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      const message = `Must be between 1 and ${maxPage(path)}`;
      expect((await json(res)).error.details).toEqual([{ path: 'page', message }]);
    }
    const storefront = await t.request('acme.localhost', '/api/cars?page=99999999999999999999');
    expect(storefront.status).toBe(400);
    expect((await json(storefront)).error.details).toEqual([{ path: 'page', message: 'Must be between 1 and 10000' }]);
    for (const path of ['/api/platform/tenants', '/api/platform/integration-templates']) {
      const res = await t.request('ops.example', `${path}?page=99999999999999999999`, {
        headers: { authorization: `Bearer ${KEY_A}` },
      });
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect((await json(res)).error.details).toHaveLength(1);
    }
  });

  test('0x10, 1e2 and -1 are 400; blank is the default', async () => {
    for (const path of admin) {
      for (const bad of ['page=0x10', 'limit=1e2', 'page=-1']) {
        const res = await t.request('acme.localhost', `${path}?${bad}`, { token });
        expect({ path, bad, status: res.status }).toEqual({ path, bad, status: 400 });
      }
      const blank = await t.request('acme.localhost', `${path}?page=&limit=`, { token });
      expect({ path, status: blank.status }).toEqual({ path, status: 200 });
      expect((await json(blank)).meta).toMatchObject({ page: 1, limit: 20 });
    }
    for (const bad of ['page=0x10', 'limit=1e2', 'page=-1', 'page=10001']) {
      const res = await t.request('acme.localhost', `/api/cars?${bad}`);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
  });
});
