// The cars a model may pick from for one lead: the tenant's published stock only (available or
// booking), closest matches to the interest first, then broader ones, so the model always has
// something real to choose from and nothing to invent. Every query is scoped by tenantId.
import { and, asc, desc, eq, gte, ilike, inArray, lte, notInArray, type SQL } from 'drizzle-orm';
import { type Car, cars, type Tenant } from '../../drizzle/schema';
import type { Executor } from '../db/client';
import { formatPrice } from '../lib/money';
import { carTextSearch } from '../repositories/car-text-query';
import type { PromptCar } from './prompt';

export type CandidateQuery = {
  brand?: string | null;
  model?: string | null;
  yearMin?: number | null;
  yearMax?: number | null;
  budgetMax?: number | null;
  transmission?: 'manual' | 'automatic' | null;
  fuel?: 'petrol' | 'diesel' | 'hybrid' | 'electric' | null;
  bodyType?: string | null;
  /** What the customer wrote, for full-text search when the filters find too little. */
  text?: string | null;
  /** Cars that come first whatever the filters say (the listing a storefront inquiry was sent from). */
  preferCarIds?: readonly string[];
};

/** Budgets are loose: a car up to this much over the stated maximum is still worth offering. */
const BUDGET_SLACK = 1.1;
const PUBLISHED = ['available', 'booking'] as const;

/** Words of the customer's text, to be OR'ed: a chatty message rarely has every word in a listing. */
function textWords(text: string): string[] {
  return Array.from(new Set(text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [])).slice(0, 24);
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

function filtersFor(query: CandidateQuery, strict: boolean): SQL[] {
  const where: SQL[] = [];
  if (query.brand) where.push(ilike(cars.brand, escapeLike(query.brand)));
  if (query.budgetMax) where.push(lte(cars.price, Math.round(query.budgetMax * BUDGET_SLACK)));
  if (!strict) return where;
  if (query.model) where.push(ilike(cars.model, `%${escapeLike(query.model)}%`));
  if (query.yearMin) where.push(gte(cars.year, query.yearMin));
  if (query.yearMax) where.push(lte(cars.year, query.yearMax));
  if (query.transmission) where.push(eq(cars.transmission, query.transmission));
  if (query.fuel) where.push(eq(cars.fuel, query.fuel));
  if (query.bodyType) where.push(ilike(cars.bodyType, escapeLike(query.bodyType)));
  return where;
}

/**
 * Up to `limit` published cars of the tenant, in rounds until full: preferred cars; every stated filter; then brand
 * and budget only; then full text over what the customer wrote (within budget); then newest within
 * budget. Each round skips cars an earlier round already chose.
 */
export async function findCandidateCars({
  db,
  tenantId,
  query,
  limit,
}: {
  db: Executor;
  tenantId: string;
  query: CandidateQuery;
  limit: number;
}): Promise<Car[]> {
  const chosen: Car[] = [];
  const base = [eq(cars.tenantId, tenantId), inArray(cars.status, [...PUBLISHED])];
  const budget = query.budgetMax ? [lte(cars.price, Math.round(query.budgetMax * BUDGET_SLACK))] : [];
  // The storefront's tenant-scoped full-text query (src/repositories/car-text-query.ts), any word matching.
  const words = query.text ? textWords(query.text) : [];
  const text = words.length > 0 ? carTextSearch(tenantId, words, 'any') : undefined;
  const match = text?.where;
  const rank = text?.rank;

  const rounds: { where: SQL[]; order: SQL[] }[] = [];
  if (query.preferCarIds?.length) rounds.push({ where: [inArray(cars.id, [...query.preferCarIds])], order: [] });
  const hasInterest = Object.entries(query).some(
    ([k, v]) => k !== 'text' && k !== 'preferCarIds' && v !== null && v !== undefined,
  );
  if (hasInterest) {
    rounds.push({ where: filtersFor(query, true), order: rank ? [desc(rank)] : [] });
    if (query.brand || query.budgetMax) rounds.push({ where: filtersFor(query, false), order: [] });
  }
  if (match && rank) rounds.push({ where: [...budget, match], order: [desc(rank)] });
  rounds.push({ where: budget, order: [] });

  for (const round of rounds) {
    if (chosen.length >= limit) break;
    const seen = chosen.map((c) => c.id);
    const rows = await db
      .select()
      .from(cars)
      .where(and(...base, ...round.where, ...(seen.length > 0 ? [notInArray(cars.id, seen)] : [])))
      .orderBy(...round.order, desc(cars.publishedAt), asc(cars.id))
      .limit(limit - chosen.length);
    chosen.push(...rows);
  }
  return chosen;
}

/** A car as the prompt shows it; the link is the storefront's car page. */
export function toPromptCar(car: Car, tenant: Pick<Tenant, 'locale' | 'currency'>, origin: string): PromptCar {
  return {
    id: car.id,
    title: car.title,
    year: car.year,
    priceFormatted: formatPrice(car.price, tenant.locale, tenant.currency),
    mileageKm: car.mileageKm,
    transmission: car.transmission,
    fuel: car.fuel,
    url: `${origin}/cars/${encodeURIComponent(car.slug)}`,
  };
}
