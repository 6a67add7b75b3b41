import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import type { Tenant } from '../../drizzle/schema';
import { changeCarStatus, updateCar } from '../../src/repositories/cars';
import { searchPublishedCars } from '../../src/repositories/cars-search';
import { createTenant, createTestApp, createUser, json, type TestApp, tokenFor } from '../helpers/app';
import { makeCar } from './fixtures';

describe('storefront cars', () => {
  let t: TestApp;
  let shop: Tenant;
  let other: Tenant;
  const host = 'shop.localhost';
  const list = async (qs = '') => {
    const res = await t.request(host, `/api/cars${qs}`);
    expect(res.status).toBe(200);
    return json(res);
  };
  const slugs = (body: { data: { slug: string }[] }) => body.data.map((c) => c.slug);

  beforeAll(async () => {
    t = await createTestApp();
    shop = await createTenant(t.deps, { slug: 'shop' });
    other = await createTenant(t.deps, { slug: 'elsewhere' });
    const day = 86_400_000;
    const base = Date.parse('2025-01-01T00:00:00Z');
    const cars = [
      // brand, model, variant, year, price, km, transmission, fuel, body, status, description
      [
        'Toyota',
        'Avanza',
        '1.3 G',
        2019,
        185_000_000,
        40_000,
        'manual',
        'petrol',
        'mpv',
        'available',
        'Mobil keluarga irit dan terawat',
      ],
      [
        'Toyota',
        'Fortuner',
        'VRZ',
        2021,
        520_000_000,
        20_000,
        'automatic',
        'diesel',
        'suv',
        'booking',
        'Tangguh untuk perjalanan jauh',
      ],
      [
        'Honda',
        'Brio',
        'RS',
        2020,
        165_000_000,
        15_000,
        'automatic',
        'petrol',
        'hatchback',
        'available',
        'Perfect city car, very economical',
      ],
      [
        'Hyundai',
        'Ioniq 5',
        'Signature',
        2023,
        760_000_000,
        5_000,
        'automatic',
        'electric',
        'suv',
        'available',
        'Electric family SUV with long range',
      ],
      [
        'Toyota',
        'Yaris Cross',
        'HEV',
        2024,
        410_000_000,
        1_000,
        'automatic',
        'hybrid',
        'suv',
        'draft',
        'Mobil keluarga hybrid irit',
      ],
      [
        'Suzuki',
        'Ertiga',
        'GX',
        2018,
        175_000_000,
        60_000,
        'manual',
        'petrol',
        'mpv',
        'sold',
        'Mobil keluarga irit terjual',
      ],
    ] as const;
    for (const [i, c] of cars.entries()) {
      const car = await makeCar(t.deps, shop.id, c[9], {
        brand: c[0],
        model: c[1],
        variant: c[2],
        year: c[3],
        price: c[4],
        mileageKm: c[5],
        transmission: c[6],
        fuel: c[7],
        bodyType: c[8],
        description: c[10],
      });
      // Distinct publication dates so `newest` is deterministic (before any read, so no cache to outdate).
      if (car.publishedAt) {
        await t.db.execute(
          sql`update cars set published_at = ${new Date(base + i * day).toISOString()} where id = ${car.id}`,
        );
      }
    }
    await makeCar(t.deps, other.id, 'available', {
      brand: 'Toyota',
      model: 'Avanza',
      description: 'Mobil keluarga irit',
    });
  }, 60_000);
  afterAll(() => t.close());

  test('lists only available and booking cars, newest first, with totals and priceFormatted', async () => {
    const body = await list();
    expect(slugs(body)).toEqual([
      '2023-hyundai-ioniq-5-signature',
      '2020-honda-brio-rs',
      '2021-toyota-fortuner-vrz',
      '2019-toyota-avanza-1-3-g',
    ]);
    expect(body.meta).toEqual({ page: 1, limit: 20, total: 4, totalPages: 1 });
    expect(body.data.every((c: { status: string }) => ['available', 'booking'].includes(c.status))).toBe(true);
    expect(body.data[3].priceFormatted).toBe('Rp 185.000.000');
  });

  test('every filter', async () => {
    expect(slugs(await list('?brand=toyota'))).toEqual(['2021-toyota-fortuner-vrz', '2019-toyota-avanza-1-3-g']);
    expect(slugs(await list('?brand=Toyota&model=avanza'))).toEqual(['2019-toyota-avanza-1-3-g']);
    expect((await list('?yearMin=2020')).meta.total).toBe(3);
    expect((await list('?yearMax=2020')).meta.total).toBe(2);
    expect((await list('?yearMin=2020&yearMax=2021')).meta.total).toBe(2);
    expect(slugs(await list('?priceMin=170000000&priceMax=200000000'))).toEqual(['2019-toyota-avanza-1-3-g']);
    expect((await list('?transmission=manual')).meta.total).toBe(1);
    expect(slugs(await list('?fuel=electric'))).toEqual(['2023-hyundai-ioniq-5-signature']);
    expect((await list('?bodyType=SUV')).meta.total).toBe(2);
    expect((await list('?brand=toyota&transmission=automatic&fuel=diesel')).meta.total).toBe(1);
  });

  test('every sort', async () => {
    expect(slugs(await list('?sort=price_asc'))[0]).toBe('2020-honda-brio-rs');
    expect(slugs(await list('?sort=price_desc'))[0]).toBe('2023-hyundai-ioniq-5-signature');
    expect(slugs(await list('?sort=year_desc'))).toEqual([
      '2023-hyundai-ioniq-5-signature',
      '2021-toyota-fortuner-vrz',
      '2020-honda-brio-rs',
      '2019-toyota-avanza-1-3-g',
    ]);
    expect(slugs(await list('?sort=mileage_asc'))[0]).toBe('2023-hyundai-ioniq-5-signature');
    expect(slugs(await list('?sort=mileage_asc'))[3]).toBe('2019-toyota-avanza-1-3-g');
  });

  test('pagination: page and limit with totals', async () => {
    const p1 = await list('?limit=3');
    const p2 = await list('?limit=3&page=2');
    expect(p1.meta).toEqual({ page: 1, limit: 3, total: 4, totalPages: 2 });
    expect(p2.data).toHaveLength(1);
    expect(new Set([...slugs(p1), ...slugs(p2)]).size).toBe(4);
    expect((await list('?page=9')).data).toEqual([]);
  });

  test('full text in Indonesian and English; drafts and sold cars never match', async () => {
    expect(slugs(await list('?q=keluarga%20irit'))).toEqual(['2019-toyota-avanza-1-3-g']);
    expect(slugs(await list('?q=family%20car'))).toEqual([]);
    expect(slugs(await list('?q=family'))).toEqual(['2023-hyundai-ioniq-5-signature']);
    expect(slugs(await list('?q=economical%20city'))).toEqual(['2020-honda-brio-rs']);
    expect(slugs(await list('?q=perjalanan'))).toEqual(['2021-toyota-fortuner-vrz']);
    expect(slugs(await list('?q=toyota%20keluarga'))).toEqual(['2019-toyota-avanza-1-3-g']);
    expect(slugs(await list('?q=ioniq'))).toEqual(['2023-hyundai-ioniq-5-signature']);
    expect((await list('?q=hybrid')).meta.total).toBe(0);
    expect((await list('?q=terjual')).meta.total).toBe(0);
  });

  test('full text: words without letters match nothing; another tenant’s lexeme never reaches its cars', async () => {
    expect((await list('?q=-')).meta.total).toBe(0);
    expect(slugs(await list('?q=avanza%20-'))).toEqual(['2019-toyota-avanza-1-3-g']);
    const otherLexeme = `t${other.id.replaceAll('-', '')}`;
    expect((await list(`?q=${otherLexeme}`)).meta.total).toBe(0);
    expect((await list(`?q=avanza%20${otherLexeme}`)).meta.total).toBe(0);
  });

  test('stemming: English and Indonesian word forms', async () => {
    expect(slugs(await list('?q=families'))).toEqual(['2023-hyundai-ioniq-5-signature']);
    // Indonesian affixes: "perawatan" and "terawat" share the stem "rawat".
    expect(slugs(await list('?q=perawatan'))).toEqual(['2019-toyota-avanza-1-3-g']);
  });

  test('validation: crossed ranges, bad enums, limit bounds → 400 with details; unknown params ignored', async () => {
    for (const qs of [
      '?yearMin=2022&yearMax=2020',
      '?priceMin=9&priceMax=1',
      '?sort=cheapest',
      '?limit=101',
      '?limit=0',
      '?page=0',
      '?fuel=steam',
      '?yearMin=abc',
    ]) {
      const res = await t.request(host, `/api/cars${qs}`);
      const body = await json(res);
      expect({ qs, status: res.status, code: body.error?.code }).toEqual({
        qs,
        status: 400,
        code: 'validation_failed',
      });
      expect(body.error.details.length).toBeGreaterThan(0);
    }
    const crossed = await json(await t.request(host, '/api/cars?yearMin=2022&yearMax=2020&priceMin=9&priceMax=1'));
    expect(crossed.error.details.map((d: { path: string }) => d.path)).toEqual(['yearMin', 'priceMin']);
    expect((await list('?utm_source=ig&brand=')).meta.total).toBe(4);
  });

  test('detail by slug; draft, sold and other tenants’ cars are 404', async () => {
    const res = await t.request(host, '/api/cars/2021-toyota-fortuner-vrz');
    expect(res.status).toBe(200);
    expect((await json(res)).data).toMatchObject({ status: 'booking', priceFormatted: 'Rp 520.000.000' });
    for (const slug of ['2024-toyota-yaris-cross-hev', '2018-suzuki-ertiga-gx', 'nothing-here']) {
      const miss = await t.request(host, `/api/cars/${slug}`);
      expect({ slug, status: miss.status }).toEqual({ slug, status: 404 });
    }
    const foreign = (await json(await t.request('elsewhere.localhost', '/api/cars'))).data[0].slug;
    expect(foreign).toBe('2019-toyota-avanza-1-3-g');
    const ours = await t.request(host, `/api/cars/${foreign}`);
    expect((await json(ours)).data.id).not.toBe(
      (await json(await t.request('elsewhere.localhost', `/api/cars/${foreign}`))).data.id,
    );
  });

  test('ETag on every public response, If-None-Match → 304 without a body, short Cache-Control', async () => {
    for (const path of ['/api/cars', '/api/cars?brand=toyota', '/api/cars/2020-honda-brio-rs']) {
      const res = await t.request(host, path);
      const etag = res.headers.get('etag');
      expect(etag).toMatch(/^W\/".+"$/);
      expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
      const again = await t.request(host, path, { headers: { 'if-none-match': etag! } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      const listed = await t.request(host, path, { headers: { 'if-none-match': `W/"other", ${etag}` } });
      expect(listed.status).toBe(304);
      expect((await t.request(host, path, { headers: { 'if-none-match': 'W/"stale"' } })).status).toBe(200);
    }
  });

  test('a draft, sold or unknown slug is 404 whatever If-None-Match says (a current tag, another URL’s, or *)', async () => {
    const listTag = (await t.request(host, '/api/cars')).headers.get('etag')!;
    const carTag = (await t.request(host, '/api/cars/2020-honda-brio-rs')).headers.get('etag')!;
    for (const slug of ['2024-toyota-yaris-cross-hev', '2018-suzuki-ertiga-gx', 'nothing-here']) {
      for (const tag of [listTag, carTag, '*']) {
        const res = await t.request(host, `/api/cars/${slug}`, { headers: { 'if-none-match': tag } });
        expect({ slug, tag, status: res.status }).toEqual({ slug, tag, status: 404 });
      }
    }
    // `*` matches a car that exists, from the cached answer or (caches off) after a lookup.
    for (const mode of ['responses', 'off']) {
      const app = mode === 'responses' ? t : await createTestApp({ database: t.database, env: { CARS_CACHE: mode } });
      const res = await app.request(host, '/api/cars/2020-honda-brio-rs', { headers: { 'if-none-match': '*' } });
      expect({ mode, status: res.status }).toEqual({ mode, status: 304 });
      const same = await app.request(host, '/api/cars/2020-honda-brio-rs', { headers: { 'if-none-match': carTag } });
      expect({ mode, status: same.status }).toEqual({ mode, status: 304 });
    }
  });

  test('every URL has its own ETag; one answer reached by equivalent URLs shares it', async () => {
    const tag = async (path: string) => (await t.request(host, path)).headers.get('etag');
    const paths = [
      '/api/cars',
      '/api/cars?brand=toyota',
      '/api/cars?page=2',
      '/api/cars?limit=5',
      '/api/cars?sort=price_asc',
    ];
    const tags = await Promise.all(
      [...paths, '/api/cars/2020-honda-brio-rs', '/api/cars/2021-toyota-fortuner-vrz'].map(tag),
    );
    expect(new Set(tags).size).toBe(tags.length);
    expect(await tag('/api/cars?brand=Toyota&utm_source=ig')).toBe(tags[1]!);
    expect(await tag('/api/cars?sort=newest&page=1')).toBe(tags[0]!);
    const other = await t.request(host, '/api/cars?brand=toyota', { headers: { 'if-none-match': tags[0]! } });
    expect(other.status).toBe(200);
  });

  test('any change to the tenant’s cars changes the ETag and the cached answers at once', async () => {
    const first = await t.request(host, '/api/cars?sort=price_asc');
    const etag = first.headers.get('etag')!;
    const before = await json(first);
    const brio = before.data[0];
    expect(brio.slug).toBe('2020-honda-brio-rs');
    const { car } = await changeCarStatus({ db: t.db, tenantId: shop.id, id: brio.id, status: 'sold' });
    const after = await t.request(host, '/api/cars?sort=price_asc', { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    const body = await json(after);
    expect(slugs(body)).not.toContain('2020-honda-brio-rs');
    expect(body.meta.total).toBe(3);
    expect((await t.request(host, '/api/cars/2020-honda-brio-rs')).status).toBe(404);
    await changeCarStatus({ db: t.db, tenantId: shop.id, id: car.id, status: 'available' });
    const restored = await updateCar({
      db: t.db,
      tenantId: shop.id,
      id: car.id,
      version: car.version + 1,
      changes: { price: 150_000_000 },
    });
    expect(restored.price).toBe(150_000_000);
    const back = await list('?sort=price_asc');
    expect(back.data[0]).toMatchObject({ slug: '2020-honda-brio-rs', priceFormatted: 'Rp 150.000.000' });
    expect(back.meta.total).toBe(4);
    // Another tenant's change leaves this tenant's ETag alone.
    const stable = (await t.request(host, '/api/cars')).headers.get('etag');
    await makeCar(t.deps, other.id, 'available');
    expect((await t.request(host, '/api/cars')).headers.get('etag')).toBe(stable);
  });

  test('with the caches off or counts only, the answers are the same', async () => {
    const b = await list('?brand=toyota');
    for (const mode of ['off', 'counts']) {
      const other = await createTestApp({ database: t.database, env: { CARS_CACHE: mode } });
      expect(await json(await other.request(host, '/api/cars?brand=toyota'))).toEqual(b);
    }
  });

  test('an admin change through the API is visible on the storefront immediately', async () => {
    const token = await tokenFor(t.deps, await createUser(t.deps, shop.id, { role: 'admin' }));
    const car = await makeCar(t.deps, shop.id, 'draft', {
      brand: 'Wuling',
      model: 'Air',
      variant: 'EV',
      description: 'Compact electric hatchback',
    });
    expect((await list('?brand=wuling')).meta.total).toBe(0);
    const res = await t.request(host, `/api/admin/cars/${car.id}/status`, {
      method: 'PUT',
      token,
      json: { status: 'available' },
    });
    expect(res.status).toBe(200);
    expect((await list('?brand=wuling')).meta.total).toBe(1);
    expect((await t.request(host, `/api/cars/${car.slug}`)).status).toBe(200);
  });

  test('searchPublishedCars is usable on its own (lead matching) and skips the count on request', async () => {
    const page = await searchPublishedCars({ db: t.db, tenantId: shop.id, filters: { q: 'keluarga' }, limit: 5 });
    expect(page.cars.map((c) => c.slug)).toEqual(['2019-toyota-avanza-1-3-g']);
    expect(page.total).toBe(1);
    const noCount = await searchPublishedCars({ db: t.db, tenantId: shop.id, count: false });
    expect(noCount.total).toBeUndefined();
    const inTx = await t.db.transaction((tx) =>
      searchPublishedCars({ db: tx, tenantId: shop.id, filters: { brand: 'toyota', priceMax: 200_000_000 } }),
    );
    expect(inTx.cars.map((c) => c.slug)).toEqual(['2019-toyota-avanza-1-3-g']);
  });
});
