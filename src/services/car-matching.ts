// Finds published cars that fit a buyer's stated interest, for the follow-up reply. Full text over the
// cars' `search` vector (the storefront's tenant-scoped query, src/repositories/car-text-query.ts) plus
// structured filters; when nothing fits strictly, one relaxed pass keeps only brand/model so the buyer
// still hears about the closest stock.
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { cars } from '../../drizzle/schema';
import type { Executor } from '../db/client';
import type { Env } from '../env';
import { carTextSearch, searchWords } from '../repositories/car-text-query';
import { findPrimaryDomain } from '../repositories/tenants';
import type { Interest } from './interest-extraction';

export type MatchedCar = {
  id: string;
  slug: string;
  title: string;
  brand: string;
  model: string;
  year: number;
  price: number;
  transmission: 'manual' | 'automatic';
  status: 'available' | 'booking';
};

export type MatchResult = { cars: MatchedCar[]; relaxed: boolean };

const PUBLISHED = ['available', 'booking'] as const;

/** "around" tolerates this much above the amount. */
export const AROUND_TOLERANCE = 1.1;

function strictFilters(interest: Partial<Interest>): SQL[] {
  const where: SQL[] = [];
  if (interest.transmission) where.push(eq(cars.transmission, interest.transmission));
  const yearMin = interest.yearMin ?? (interest.year ? interest.year - 1 : null);
  const yearMax = interest.yearMax ?? (interest.year ? interest.year + 1 : null);
  if (yearMin) where.push(sql`${cars.year} >= ${yearMin}`);
  if (yearMax) where.push(sql`${cars.year} <= ${yearMax}`);
  const budget = interest.budget;
  if (budget) {
    const ceiling = budget.kind === 'around' ? Math.round(budget.amount * AROUND_TOLERANCE) : budget.amount;
    where.push(sql`${cars.price} <= ${ceiling}`);
    if (budget.kind === 'range') where.push(sql`${cars.price} >= ${budget.min}`);
  }
  return where;
}

async function query(
  db: Executor,
  tenantId: string,
  interest: Partial<Interest>,
  extra: SQL[],
  limit: number,
): Promise<MatchedCar[]> {
  const where: SQL[] = [eq(cars.tenantId, tenantId), inArray(cars.status, [...PUBLISHED]), ...extra];
  if (interest.brand) where.push(sql`lower(${cars.brand}) = lower(${interest.brand})`);
  // The model is matched as words over title/brand/model/variant, so "Yaris" also finds "Yaris Cross".
  const text = interest.model ? carTextSearch(tenantId, searchWords(interest.model)) : null;
  if (text) where.push(text.where);
  // Available before booked, best text match, nearest year, then the newest listing.
  const order: SQL[] = [sql`(${cars.status} = 'available') desc`];
  if (text) order.push(sql`${text.rank} desc`);
  if (interest.year) order.push(sql`abs(${cars.year} - ${interest.year}) asc`);
  order.push(sql`${cars.publishedAt} desc nulls last`, sql`${cars.id} desc`);
  const rows = await db
    .select({
      id: cars.id,
      slug: cars.slug,
      title: cars.title,
      brand: cars.brand,
      model: cars.model,
      year: cars.year,
      price: cars.price,
      transmission: cars.transmission,
      status: cars.status,
    })
    .from(cars)
    .where(and(...where))
    .orderBy(...order)
    .limit(limit);
  return rows as MatchedCar[];
}

export async function findMatchingCars({
  db,
  tenantId,
  interest,
  limit = 3,
}: {
  db: Executor;
  tenantId: string;
  interest: Partial<Interest>;
  limit?: number;
}): Promise<MatchResult> {
  const strict = strictFilters(interest);
  const found = await query(db, tenantId, interest, strict, limit);
  if (found.length > 0 || strict.length === 0 || !(interest.brand || interest.model)) {
    return { cars: found, relaxed: false };
  }
  return { cars: await query(db, tenantId, interest, [], limit), relaxed: true };
}

/**
 * The storefront's base URL for a tenant. The tenant's primary custom domain when it has one (that is
 * the address buyers know), else `<slug>.<BASE_DOMAIN>`. Scheme from PUBLIC_URL_SCHEME, else https,
 * or http for a *.localhost host. No port: links are for buyers, behind the public front door.
 */
export async function storefrontBaseUrl({
  db,
  tenant,
  env,
}: {
  db: Executor;
  tenant: { id: string; slug: string };
  env: Pick<Env, 'BASE_DOMAIN' | 'PUBLIC_URL_SCHEME'>;
}): Promise<string> {
  const host = (await findPrimaryDomain({ db, tenantId: tenant.id })) ?? `${tenant.slug}.${env.BASE_DOMAIN}`;
  const local = host === 'localhost' || host.endsWith('.localhost');
  return `${env.PUBLIC_URL_SCHEME ?? (local ? 'http' : 'https')}://${host}`;
}

export const carUrl = (base: string, slug: string) => `${base}/cars/${encodeURIComponent(slug)}`;
