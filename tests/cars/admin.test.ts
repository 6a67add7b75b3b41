import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, eq } from 'drizzle-orm';
import { auditLogs, type Tenant } from '../../drizzle/schema';
import { createTenant, createTestApp, createUser, json, type TestApp, tokenFor } from '../helpers/app';
import { carBody, makeCar } from './fixtures';

describe('admin cars API', () => {
  let t: TestApp;
  let tenant: Tenant;
  let token: string;
  let salesToken: string;
  const host = 'dealer.localhost';

  const post = (body: unknown) => t.request(host, '/api/admin/cars', { method: 'POST', token, json: body });
  const patch = (id: string, body: unknown, headers: Record<string, string> = {}) =>
    t.request(host, `/api/admin/cars/${id}`, { method: 'PATCH', token, json: body, headers });
  const setStatus = (id: string, body: unknown) =>
    t.request(host, `/api/admin/cars/${id}/status`, { method: 'PUT', token, json: body });
  const get = (id: string) => t.request(host, `/api/admin/cars/${id}`, { token });
  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await post(carBody(overrides));
    expect(res.status).toBe(201);
    return (await json(res)).data;
  };
  const auditFor = (id: string) =>
    t.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, tenant.id), eq(auditLogs.targetId, id)));

  beforeAll(async () => {
    t = await createTestApp();
    tenant = await createTenant(t.deps, { slug: 'dealer' });
    token = await tokenFor(t.deps, await createUser(t.deps, tenant.id, { role: 'admin' }));
    salesToken = await tokenFor(t.deps, await createUser(t.deps, tenant.id, { role: 'sales' }));
  }, 60_000);
  afterAll(() => t.close());

  describe('create', () => {
    test('201 with the contract shape, a draft, slug from year/brand/model/variant, priceFormatted', async () => {
      const car = await create({ year: 2018, brand: 'Honda', model: 'Brio', variant: 'RS CVT', price: 150_500_000 });
      expect(car).toMatchObject({
        slug: '2018-honda-brio-rs-cvt',
        title: '2018 Honda Brio RS CVT',
        status: 'draft',
        publishedAt: null,
        version: 1,
        price: 150_500_000,
        priceFormatted: 'Rp 150.500.000',
        features: ['ABS', 'Airbag'],
        specs: { seats: 7 },
      });
      expect(car.photos).toEqual([
        { url: 'https://img.example/1.jpg', alt: 'front', isPrimary: true, position: 0 },
        { url: 'https://img.example/2.jpg', alt: 'back', isPrimary: false, position: 1 },
      ]);
      expect(Object.keys(car).sort()).toEqual(
        [
          'id',
          'slug',
          'displayCode',
          'title',
          'brand',
          'model',
          'variant',
          'year',
          'price',
          'priceFormatted',
          'mileageKm',
          'transmission',
          'fuel',
          'bodyType',
          'color',
          'description',
          'features',
          'conditionNotes',
          'specs',
          'photos',
          'status',
          'publishedAt',
          'createdAt',
          'updatedAt',
          'version',
        ].sort(),
      );
    });

    test('colliding slugs get -2, -3 within the tenant', async () => {
      const base = { year: 2015, brand: 'Suzuki', model: 'Ertiga', variant: 'GX' };
      const slugs = [(await create(base)).slug, (await create(base)).slug, (await create(base)).slug];
      expect(slugs).toEqual(['2015-suzuki-ertiga-gx', '2015-suzuki-ertiga-gx-2', '2015-suzuki-ertiga-gx-3']);
    });

    test('concurrent creates of the same car all get distinct slugs', async () => {
      const base = { year: 2016, brand: 'Daihatsu', model: 'Xenia', variant: 'R' };
      const results = await Promise.all([0, 1, 2, 3].map(() => post(carBody(base))));
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      const slugs = await Promise.all(results.map(async (r) => (await json(r)).data.slug));
      expect(new Set(slugs).size).toBe(4);
    });

    test('the same slug is free in another tenant', async () => {
      const other = await createTenant(t.deps, { slug: 'otherdealer' });
      const otherToken = await tokenFor(t.deps, await createUser(t.deps, other.id, { role: 'owner' }));
      const body = carBody({ year: 2010, brand: 'Mazda', model: 'Two' });
      await create({ year: 2010, brand: 'Mazda', model: 'Two', variant: null });
      const res = await t.request('otherdealer.localhost', '/api/admin/cars', {
        method: 'POST',
        token: otherToken,
        json: { ...body, variant: null },
      });
      expect((await json(res)).data.slug).toBe('2010-mazda-two');
    });

    test('displayCode taken in the tenant → 409 conflict; generated when absent', async () => {
      await create({ displayCode: 'DUP-1' });
      const res = await post(carBody({ displayCode: 'DUP-1' }));
      expect(res.status).toBe(409);
      expect((await json(res)).error.code).toBe('conflict');
      const { displayCode, ...rest } = carBody({ brand: 'Toyota' });
      const generated = await create({ ...rest, displayCode: undefined });
      expect(generated.displayCode).toMatch(/^TOY-[0-9A-Z]{5}$/);
      expect(displayCode).toBeTruthy();
    });

    test('status available on create publishes at once', async () => {
      const car = await create({ status: 'available' });
      expect(car.status).toBe('available');
      expect(car.publishedAt).toEqual(expect.any(String));
    });

    test('validation: year range, price, mileage, photo URLs, photo count, one primary, text lengths', async () => {
      const nextYear = new Date().getUTCFullYear() + 1;
      const cases: [Record<string, unknown>, string][] = [
        [{ year: 1949 }, 'year'],
        [{ year: nextYear + 1 }, 'year'],
        [{ price: 0 }, 'price'],
        [{ price: -5 }, 'price'],
        [{ price: 1.5 }, 'price'],
        [{ mileageKm: -1 }, 'mileageKm'],
        [{ photos: [{ url: 'ftp://x.example/a.jpg', isPrimary: true }] }, 'photos.0.url'],
        [{ photos: [{ url: 'javascript:alert(1)', isPrimary: true }] }, 'photos.0.url'],
        [
          {
            photos: Array.from({ length: 51 }, (_, i) => ({ url: `https://x.example/${i}.jpg`, isPrimary: i === 0 })),
          },
          'photos',
        ],
        [
          {
            photos: [
              { url: 'https://x.example/a.jpg', isPrimary: false },
              { url: 'https://x.example/b.jpg', isPrimary: false },
            ],
          },
          'photos',
        ],
        [
          {
            photos: [
              { url: 'https://x.example/a.jpg', isPrimary: true },
              { url: 'https://x.example/b.jpg', isPrimary: true },
            ],
          },
          'photos',
        ],
        [{ title: 'x'.repeat(201) }, 'title'],
        [{ description: 'x'.repeat(5001) }, 'description'],
        [{ brand: '' }, 'brand'],
        [{ transmission: 'cvt' }, 'transmission'],
        [{ displayCode: 'has space' }, 'displayCode'],
      ];
      for (const [override, path] of cases) {
        const res = await post(carBody(override));
        const body = await json(res);
        expect({ override: Object.keys(override)[0], status: res.status, code: body.error?.code }).toEqual({
          override: Object.keys(override)[0],
          status: 400,
          code: 'validation_failed',
        });
        expect(body.error.details.map((d: { path: string }) => d.path)).toContain(path);
      }
      expect((await post(carBody({ year: nextYear }))).status).toBe(201);
      expect((await post(carBody({ year: 1950, photos: [] }))).status).toBe(201);
    });

    test('every issue is listed at once', async () => {
      const res = await post(carBody({ year: 1900, price: 0, mileageKm: -1 }));
      const paths = (await json(res)).error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['year', 'price', 'mileageKm']));
    });

    test('the create is audited', async () => {
      const car = await create();
      const rows = await auditFor(car.id);
      expect(rows.map((r) => r.action)).toEqual(['car.create']);
    });

    test('sales cannot create (403)', async () => {
      const res = await t.request(host, '/api/admin/cars', { method: 'POST', token: salesToken, json: carBody() });
      expect(res.status).toBe(403);
    });
  });

  describe('read and list', () => {
    test('sales reads one car with its version as ETag', async () => {
      const car = await create();
      const res = await t.request(host, `/api/admin/cars/${car.id}`, { token: salesToken });
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe('"1"');
      expect((await json(res)).data.id).toBe(car.id);
    });

    test('an unknown id is 404, a malformed one 400', async () => {
      expect((await get('01900000-0000-7000-8000-000000000000')).status).toBe(404);
      expect((await get('nope')).status).toBe(400);
    });

    test('list includes every status, filters by status and the public filters, with totals', async () => {
      const lister = await createTenant(t.deps, { slug: 'lister' });
      const listToken = await tokenFor(t.deps, await createUser(t.deps, lister.id, { role: 'sales' }));
      await makeCar(t.deps, lister.id, 'draft', { brand: 'Kia' });
      await makeCar(t.deps, lister.id, 'available', { brand: 'Kia' });
      await makeCar(t.deps, lister.id, 'sold', { brand: 'Ford' });
      await makeCar(t.deps, lister.id, 'booking', { brand: 'Kia' });
      const list = async (qs: string) =>
        json(await t.request('lister.localhost', `/api/admin/cars${qs}`, { token: listToken }));
      const all = await list('');
      expect(all.meta).toEqual({ page: 1, limit: 20, total: 4, totalPages: 1 });
      expect(new Set(all.data.map((c: { status: string }) => c.status))).toEqual(
        new Set(['draft', 'available', 'sold', 'booking']),
      );
      expect((await list('?status=draft')).meta.total).toBe(1);
      expect((await list('?status=draft,sold')).meta.total).toBe(2);
      expect((await list('?brand=kia&status=draft,booking')).meta.total).toBe(2);
      expect((await list('?limit=1&page=2')).data).toHaveLength(1);
      const bad = await t.request('lister.localhost', '/api/admin/cars?status=gone', { token: listToken });
      expect(bad.status).toBe(400);
    });
  });

  describe('update (optimistic locking)', () => {
    test('PATCH with the current version changes the car, increments version, keeps the slug', async () => {
      const car = await create({ year: 2017, brand: 'Nissan', model: 'Livina', variant: 'VL' });
      const res = await patch(car.id, { version: 1, price: 99_000_000, title: 'Renamed', year: 2018 });
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe('"2"');
      const updated = (await json(res)).data;
      expect(updated).toMatchObject({ version: 2, price: 99_000_000, title: 'Renamed', year: 2018, slug: car.slug });
      expect(updated.priceFormatted).toBe('Rp 99.000.000');
      const audits = await auditFor(car.id);
      expect(audits.map((a) => a.action).sort()).toEqual(['car.create', 'car.update']);
      expect(audits.find((a) => a.action === 'car.update')!.metadata).toMatchObject({
        fields: expect.arrayContaining(['price', 'title', 'year']),
      });
    });

    test('If-Match works in its quoted and weak forms', async () => {
      const car = await create();
      expect((await patch(car.id, { price: 1_000_000 }, { 'if-match': '"1"' })).status).toBe(200);
      expect((await patch(car.id, { price: 2_000_000 }, { 'if-match': 'W/"2"' })).status).toBe(200);
      expect((await get(car.id)).headers.get('etag')).toBe('"3"');
    });

    test('a stale version → 409 version_conflict and changes nothing', async () => {
      const car = await create();
      await patch(car.id, { version: 1, color: 'Hitam' });
      const res = await patch(car.id, { version: 1, color: 'Merah', price: 5_000_000 });
      expect(res.status).toBe(409);
      expect((await json(res)).error.code).toBe('version_conflict');
      const now = (await json(await get(car.id))).data;
      expect(now).toMatchObject({ color: 'Hitam', version: 2, price: car.price });
      expect((await auditFor(car.id)).filter((a) => a.action === 'car.update')).toHaveLength(1);
    });

    test('of two concurrent writers with the same version exactly one wins', async () => {
      const car = await create();
      const results = await Promise.all([
        patch(car.id, { version: 1, color: 'A' }),
        patch(car.id, { version: 1, color: 'B' }),
      ]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409]);
      const winner = results.find((r) => r.status === 200)!;
      const final = (await json(await get(car.id))).data;
      expect(final.color).toBe((await json(winner)).data.color);
      expect(final.version).toBe(2);
    });

    test('version missing → 400; body and If-Match disagreeing → 400; status in PATCH → 400', async () => {
      const car = await create();
      expect((await patch(car.id, { price: 5 })).status).toBe(400);
      expect((await patch(car.id, { version: 1, price: 5 }, { 'if-match': '"2"' })).status).toBe(400);
      const res = await patch(car.id, { version: 1, status: 'sold' });
      expect(res.status).toBe(400);
      expect((await json(res)).error.details[0].path).toBe('status');
      expect((await patch(car.id, { version: 1 })).status).toBe(400);
    });

    test('a version past the int32 column (body or status route) is a 400 on `version`', async () => {
      const car = await create();
      for (const res of [
        await patch(car.id, { version: 2 ** 31, price: 5_000_000 }),
        await setStatus(car.id, { status: 'available', version: 2 ** 31 }),
      ]) {
        expect(res.status).toBe(400);
        expect((await json(res)).error).toMatchObject({ code: 'validation_failed', details: [{ path: 'version' }] });
      }
    });

    test('PATCH validates like create (one primary photo, year bound)', async () => {
      const car = await create();
      const res = await patch(car.id, {
        version: 1,
        photos: [{ url: 'https://x.example/a.jpg', isPrimary: false }],
        year: 1900,
      });
      expect(res.status).toBe(400);
      const paths = (await json(res)).error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['photos', 'year']));
    });

    test('changing displayCode to a taken one → 409 conflict', async () => {
      await create({ displayCode: 'TAKEN-9' });
      const car = await create();
      const res = await patch(car.id, { version: 1, displayCode: 'TAKEN-9' });
      expect(res.status).toBe(409);
      expect((await json(res)).error.code).toBe('conflict');
    });

    test('PATCH of an unknown car → 404', async () => {
      expect((await patch('01900000-0000-7000-8000-000000000000', { version: 1, price: 5 })).status).toBe(404);
    });
  });

  describe('status transitions', () => {
    test('every allowed transition works and bumps the version; publishedAt is set once', async () => {
      const car = await create();
      const steps = ['available', 'booking', 'available', 'sold', 'available', 'draft', 'available', 'booking', 'sold'];
      let publishedAt: string | null = null;
      let version = 1;
      for (const status of steps) {
        const res = await setStatus(car.id, { status });
        expect({ status, code: res.status }).toEqual({ status, code: 200 });
        const body = (await json(res)).data;
        expect(body.version).toBe(++version);
        publishedAt ??= body.publishedAt;
        expect(body.publishedAt).toBe(publishedAt);
      }
      const audits = (await auditFor(car.id)).filter((a) => a.action === 'car.status_change');
      expect(audits).toHaveLength(steps.length);
      expect(audits.map((a) => a.metadata)).toContainEqual({ from: 'draft', to: 'available' });
    });

    test('forbidden transitions → 409 invalid_transition and nothing changes', async () => {
      const forbidden: [string, string][] = [
        ['draft', 'booking'],
        ['draft', 'sold'],
        ['draft', 'draft'],
        ['booking', 'draft'],
        ['booking', 'booking'],
        ['sold', 'booking'],
        ['sold', 'draft'],
        ['available', 'available'],
      ];
      for (const [from, to] of forbidden) {
        const car = await makeCar(t.deps, tenant.id, from as never);
        const res = await setStatus(car.id, { status: to });
        expect({ from, to, status: res.status }).toEqual({ from, to, status: 409 });
        expect((await json(res)).error.code).toBe('invalid_transition');
        expect((await json(await get(car.id))).data).toMatchObject({ status: from, version: car.version });
      }
    });

    test('a stale version on a status change → 409 version_conflict', async () => {
      const car = await create();
      const res = await setStatus(car.id, { status: 'available', version: 7 });
      expect(res.status).toBe(409);
      expect((await json(res)).error.code).toBe('version_conflict');
    });

    test('unknown status → 400', async () => {
      const car = await create();
      expect((await setStatus(car.id, { status: 'archived' })).status).toBe(400);
    });
  });

  describe('delete', () => {
    test('204, then 404; audited', async () => {
      const car = await create();
      const del = () => t.request(host, `/api/admin/cars/${car.id}`, { method: 'DELETE', token });
      expect((await del()).status).toBe(204);
      expect((await get(car.id)).status).toBe(404);
      expect((await del()).status).toBe(404);
      expect((await auditFor(car.id)).map((a) => a.action)).toContain('car.delete');
    });

    test('a stale If-Match deletes nothing (409)', async () => {
      const car = await create();
      const res = await t.request(host, `/api/admin/cars/${car.id}`, {
        method: 'DELETE',
        token,
        headers: { 'if-match': '"5"' },
      });
      expect(res.status).toBe(409);
      expect((await get(car.id)).status).toBe(200);
    });
  });
});
