// Car listings by filter, full text and sort: the storefront's hot path, the admin list, and the candidate
// search that lead matching and the AI assistant call (`searchPublishedCars`). Each sort has a partial index
// in its own order (drizzle/schema/cars.ts), so a page reads about `limit` index entries at any catalogue size.
import type { Car, CarStatus } from '../../drizzle/schema';
import type { Executor } from '../db/client';
import { Params, runQuery } from './car-query';
import { searchWords, textSearchSql } from './car-text-query';

export type CarRow = Omit<Car, 'tenantId' | 'search'>;

export type CarFilters = {
  brand?: string | undefined;
  model?: string | undefined;
  yearMin?: number | undefined;
  yearMax?: number | undefined;
  priceMin?: number | undefined;
  priceMax?: number | undefined;
  transmission?: Car['transmission'] | undefined;
  fuel?: Car['fuel'] | undefined;
  bodyType?: string | undefined;
  /** Words in Indonesian or English; matched against title, brand, model, variant and description. */
  q?: string | undefined;
};

/** `relevance` (full-text rank) applies only with `q`; without it, it means `newest`. */
export type CarSort = 'newest' | 'price_asc' | 'price_desc' | 'year_desc' | 'mileage_asc' | 'relevance';

export type CarPage = { cars: CarRow[]; total: number | undefined };

const COLUMNS = `id, slug, display_code as "displayCode", title, brand, model, variant, year, price,
  mileage_km as "mileageKm", transmission, fuel, body_type as "bodyType", color, description, features,
  condition_notes as "conditionNotes", specs, photos, status, published_at as "publishedAt",
  created_at as "createdAt", updated_at as "updatedAt", version`;

/** Must match the partial indexes' predicate word for word. */
const PUBLISHED = `status in ('available', 'booking')`;

function whereClause(
  p: Params,
  tenantId: string,
  filters: CarFilters,
  scope: Scope,
): { where: string; rank: string | undefined } {
  const tenantRef = p.add(tenantId);
  const parts = [`tenant_id = ${tenantRef}`];
  if (scope.published) parts.push(PUBLISHED);
  else if (scope.statuses?.length) parts.push(`status = any(${p.add(scope.statuses)}::car_status[])`);
  if (filters.brand) parts.push(`lower(brand) = ${p.add(filters.brand.toLowerCase())}`);
  if (filters.model) parts.push(`lower(model) = ${p.add(filters.model.toLowerCase())}`);
  if (filters.yearMin !== undefined) parts.push(`year >= ${p.add(filters.yearMin)}`);
  if (filters.yearMax !== undefined) parts.push(`year <= ${p.add(filters.yearMax)}`);
  if (filters.priceMin !== undefined) parts.push(`price >= ${p.add(filters.priceMin)}`);
  if (filters.priceMax !== undefined) parts.push(`price <= ${p.add(filters.priceMax)}`);
  if (filters.transmission) parts.push(`transmission = ${p.add(filters.transmission)}`);
  if (filters.fuel) parts.push(`fuel = ${p.add(filters.fuel)}`);
  if (filters.bodyType) parts.push(`lower(body_type) = ${p.add(filters.bodyType.toLowerCase())}`);
  let rank: string | undefined;
  if (filters.q !== undefined && filters.q.trim() !== '') {
    const text = textSearchSql(p, tenantRef, searchWords(filters.q));
    parts.push(text.where);
    rank = text.rank;
  }
  return { where: parts.join(' and '), rank };
}

function orderClause(sort: CarSort, published: boolean, rank: string | undefined): string {
  const newest = published ? 'published_at desc nulls last, id desc' : 'created_at desc, id desc';
  switch (sort) {
    case 'price_asc':
      return 'price, id';
    case 'price_desc':
      return 'price desc, id desc';
    case 'year_desc':
      return 'year desc, id desc';
    case 'mileage_asc':
      return 'mileage_km, id';
    case 'relevance':
      return rank ? `${rank} desc, ${newest}` : newest;
    default:
      return newest;
  }
}

type PageOptions = {
  db: Executor;
  tenantId: string;
  filters?: CarFilters;
  sort?: CarSort;
  page?: number;
  limit?: number;
  /** Skip the count (the caller has it cached for this catalogue version); `total` is then undefined. */
  count?: boolean;
};

type Scope = { published: true } | { published: false; statuses?: CarStatus[] | undefined };

/** The page and count statements for a listing (also used by bench/listing/explain.ts to show the plans). */
export function carPageSql(
  options: Omit<PageOptions, 'db' | 'count'>,
  scope: Scope = { published: true },
): { page: { text: string; params: unknown[] }; count: { text: string; params: unknown[] } } {
  const { tenantId, filters = {}, sort = 'newest', page = 1, limit = 20 } = options;
  const p = new Params();
  const { where, rank } = whereClause(p, tenantId, filters, scope);
  const order = orderClause(sort, scope.published, rank);
  const count = { text: `select count(*)::int as total from cars where ${where}`, params: [...p.values] };
  const text = `select ${COLUMNS} from cars where ${where} order by ${order} limit ${p.add(limit)} offset ${p.add((page - 1) * limit)}`;
  return { page: { text, params: p.values }, count };
}

async function pageOf(options: PageOptions, scope: Scope): Promise<CarPage> {
  const { db, count = true } = options;
  const query = carPageSql(options, scope);
  const [cars, counted] = await Promise.all([
    runQuery<CarRow>(db, query.page.text, query.page.params),
    count ? runQuery<{ total: number }>(db, query.count.text, query.count.params) : undefined,
  ]);
  return { cars, total: counted ? Number(counted[0]?.total ?? 0) : undefined };
}

/** Published (`available` or `booking`) cars of one tenant: the storefront list and the lead-matching search. */
export function searchPublishedCars(options: PageOptions): Promise<CarPage> {
  return pageOf(options, { published: true });
}

/** Every status (optionally narrowed to `statuses`), for the admin API. */
export function listCars(options: PageOptions & { statuses?: CarStatus[] | undefined }): Promise<CarPage> {
  return pageOf(options, { published: false, statuses: options.statuses });
}

export async function findPublishedCarBySlug({
  db,
  tenantId,
  slug,
}: {
  db: Executor;
  tenantId: string;
  slug: string;
}): Promise<CarRow | null> {
  const rows = await runQuery<CarRow>(
    db,
    `select ${COLUMNS} from cars where tenant_id = $1 and slug = $2 and ${PUBLISHED}`,
    [tenantId, slug],
  );
  return rows[0] ?? null;
}
