// Candidate cars for the prompt: only the tenant's published stock, closest matches first.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Car, Tenant } from '../../drizzle/schema';
import { tenantDomains } from '../../drizzle/schema';
import { findCandidateCars, toPromptCar } from '../../src/ai/candidates';
import { storefrontBaseUrl } from '../../src/services/car-matching';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { insertCar, insertTenant } from './fixtures';

let database: TestDatabase;
let home: Tenant;
let other: Tenant;
const stock: Record<string, Car> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  home = await insertTenant(db, { slug: 'home-motors' });
  other = await insertTenant(db, { slug: 'other-motors' });
  stock.avanzaAt = await insertCar(db, home.id, { brand: 'Toyota', model: 'Avanza', year: 2019, price: 175_000_000 });
  stock.avanzaMt = await insertCar(db, home.id, {
    brand: 'Toyota',
    model: 'Avanza',
    year: 2017,
    price: 150_000_000,
    transmission: 'manual',
  });
  stock.fortuner = await insertCar(db, home.id, { brand: 'Toyota', model: 'Fortuner', year: 2020, price: 480_000_000 });
  stock.brio = await insertCar(db, home.id, {
    brand: 'Honda',
    model: 'Brio',
    year: 2021,
    price: 160_000_000,
    description: 'Irit, cocok untuk keluarga muda',
  });
  stock.draft = await insertCar(db, home.id, {
    brand: 'Toyota',
    model: 'Avanza',
    year: 2020,
    price: 170_000_000,
    status: 'draft',
    publishedAt: null,
  });
  stock.sold = await insertCar(db, home.id, {
    brand: 'Toyota',
    model: 'Avanza',
    year: 2018,
    price: 160_000_000,
    status: 'sold',
  });
  stock.foreign = await insertCar(db, other.id, { brand: 'Toyota', model: 'Avanza', year: 2019, price: 170_000_000 });
});
afterAll(() => database.close());

const ids = (list: Car[]) => list.map((c) => c.id);

describe('findCandidateCars', () => {
  test('exact matches come first, then broader ones; never drafts, sold cars or another tenant', async () => {
    const found = await findCandidateCars({
      db: database.db,
      tenantId: home.id,
      query: { brand: 'toyota', model: 'avanza', transmission: 'automatic', budgetMax: 200_000_000 },
      limit: 10,
    });
    expect(found[0]!.id).toBe(stock.avanzaAt!.id);
    expect(ids(found)).toContain(stock.avanzaMt!.id);
    expect(ids(found)).not.toContain(stock.draft!.id);
    expect(ids(found)).not.toContain(stock.sold!.id);
    expect(ids(found)).not.toContain(stock.foreign!.id);
    expect(found.every((c) => c.tenantId === home.id)).toBe(true);
  });

  test('a budget keeps out cars far above it', async () => {
    const found = await findCandidateCars({
      db: database.db,
      tenantId: home.id,
      query: { budgetMax: 200_000_000 },
      limit: 10,
    });
    expect(ids(found)).not.toContain(stock.fortuner!.id);
    expect(found.length).toBe(3);
  });

  test('with no interest, full text over what the customer wrote ranks first', async () => {
    const found = await findCandidateCars({
      db: database.db,
      tenantId: home.id,
      query: { text: 'ada mobil irit buat keluarga?' },
      limit: 2,
    });
    expect(found[0]!.id).toBe(stock.brio!.id);
    expect(found).toHaveLength(2);
  });

  test('text that looks like SQL or tsquery syntax is harmless', async () => {
    const found = await findCandidateCars({
      db: database.db,
      tenantId: home.id,
      query: { text: "'); drop table cars; -- & | ! :* (", brand: "%' or 1=1 --" },
      limit: 3,
    });
    expect(found.every((c) => c.tenantId === home.id)).toBe(true);
  });

  test('a tenant without stock gets nothing', async () => {
    const empty = await insertTenant(database.db);
    expect(
      await findCandidateCars({ db: database.db, tenantId: empty.id, query: { brand: 'Toyota' }, limit: 5 }),
    ).toEqual([]);
  });
});

describe('prompt cars', () => {
  const env = { BASE_DOMAIN: 'localhost', PUBLIC_URL_SCHEME: undefined, NODE_ENV: 'test' as const };

  test('link to the storefront on the tenant subdomain, price in the tenant format', async () => {
    const origin = await storefrontBaseUrl({ db: database.db, tenant: home, env });
    expect(origin).toBe('http://home-motors.localhost');
    const car = toPromptCar(stock.avanzaAt!, home, origin);
    expect(car.priceFormatted).toBe('Rp 175.000.000');
    expect(car.url).toBe(`http://home-motors.localhost/cars/${stock.avanzaAt!.slug}`);
  });

  test('a primary custom domain wins', async () => {
    await database.db.insert(tenantDomains).values({ tenantId: other.id, domain: 'www.other.co.id', isPrimary: true });
    expect(
      await storefrontBaseUrl({ db: database.db, tenant: other, env: { ...env, PUBLIC_URL_SCHEME: 'https' } }),
    ).toBe('https://www.other.co.id');
  });
});

describe('preferred cars', () => {
  test('come first when published and the tenant’s own; otherwise they are ignored', async () => {
    const found = await findCandidateCars({
      db: database.db,
      tenantId: home.id,
      query: { brand: 'Toyota', preferCarIds: [stock.brio!.id, stock.foreign!.id, stock.draft!.id] },
      limit: 3,
    });
    expect(found[0]!.id).toBe(stock.brio!.id);
    expect(ids(found)).not.toContain(stock.foreign!.id);
    expect(ids(found)).not.toContain(stock.draft!.id);
  });
});
