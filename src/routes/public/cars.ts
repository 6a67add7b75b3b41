// GET /api/cars and GET /api/cars/:slug: the storefront's published cars. The ETag is the tenant's catalogue
// version (src/lib/car-catalog.ts), known in process, so a 304 costs no query; totals and whole answers are
// cached under that version (CARS_CACHE) and so never outlive a change.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { Tenant } from '../../../drizzle/schema';
import type { AppEnv } from '../../lib/app-env';
import { catalogVersion, peekCatalogVersion } from '../../lib/car-catalog';
import { carSlugParam, type PublicCarListQuery, publicCarListQuery } from '../../lib/car-schemas';
import { serializeCar } from '../../lib/car-serializer';
import { notFound } from '../../lib/errors';
import { VersionedCache } from '../../lib/response-cache';
import { validate } from '../../lib/validate';
import { type CarSort, findPublishedCarBySlug, searchPublishedCars } from '../../repositories/cars-search';

const CACHE_CONTROL = 'public, max-age=30, stale-while-revalidate=60';
/** Part of every ETag: bump when the response shape changes so old validators stop matching. */
const SHAPE = 'c1';

// About 20 KB per page of 20 cars: the bound keeps the answer cache under ~32 MB of strings.
const bodies = new VersionedCache<string>(5_000, { weigh: (body) => body.length, maxWeight: 32 * 1024 * 1024 });
const totals = new VersionedCache<number>(20_000);

async function currentVersion(c: Context<AppEnv>): Promise<number> {
  const tenantId = c.var.tenant.id;
  return peekCatalogVersion(tenantId) ?? catalogVersion({ db: c.var.deps.db, tenantId });
}

/** Depends only on what the answer depends on: the catalogue, the tenant's locale/currency, the shape. */
const etagFor = (tenant: Tenant, version: number) =>
  `W/"${SHAPE}.${version.toString(36)}.${tenant.updatedAt.getTime().toString(36)}"`;

/** Weak comparison (RFC 9110 §13.1.2): `*`, or any listed tag equal to ours ignoring `W/`. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const ours = etag.slice(2);
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return (t.startsWith('W/') ? t.slice(2) : t) === ours;
  });
}

function cachedHeaders(c: Context<AppEnv>, etag: string) {
  c.header('ETag', etag);
  c.header('Cache-Control', CACHE_CONTROL);
  c.header('Vary', 'Host, Accept-Encoding');
}

const sendJson = (c: Context<AppEnv>, body: string) =>
  c.body(body, 200, { 'Content-Type': 'application/json; charset=utf-8' });

function filterKey(q: PublicCarListQuery): string {
  return [
    q.brand?.toLowerCase(),
    q.model?.toLowerCase(),
    q.yearMin,
    q.yearMax,
    q.priceMin,
    q.priceMax,
    q.transmission,
    q.fuel,
    q.bodyType?.toLowerCase(),
    q.q?.replace(/\s+/g, ' ').toLowerCase(),
  ].join('\u001f');
}

export const publicCarRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({
      tags: ['Storefront'],
      summary: 'Published cars (available or booking), filtered, searched and sorted',
      description:
        'Full-text `q` matches Indonesian and English words. Unknown query parameters are ignored. ' +
        'Answers carry a weak ETag (If-None-Match → 304) and `Cache-Control: ' +
        CACHE_CONTROL +
        '`.',
      responses: {
        200: { description: '{data: Car[], meta: {page, limit, total, totalPages}}' },
        304: { description: 'Not modified' },
        400: { description: 'validation_failed' },
      },
    }),
    validate('query', publicCarListQuery),
    async (c) => {
      const query = c.req.valid('query');
      const tenant = c.var.tenant;
      const version = await currentVersion(c);
      const etag = etagFor(tenant, version);
      cachedHeaders(c, etag);
      if (matches(c.req.header('if-none-match'), etag)) return c.body(null, 304);

      const mode = c.var.deps.env.CARS_CACHE;
      const useBodies = mode === 'responses';
      const sort: CarSort = query.sort ?? (query.q ? 'relevance' : 'newest');
      const filters = filterKey(query);
      const bodyKey = `${tenant.id}|${filters}|${sort}|${query.page}|${query.limit}`;
      if (useBodies) {
        const hit = bodies.get(bodyKey, version);
        if (hit !== undefined) return sendJson(c, hit);
      }
      const totalKey = `${tenant.id}|${filters}`;
      const knownTotal = mode === 'off' ? undefined : totals.get(totalKey, version);
      const page = await searchPublishedCars({
        db: c.var.deps.db,
        tenantId: tenant.id,
        filters: query,
        sort,
        page: query.page,
        limit: query.limit,
        count: knownTotal === undefined,
      });
      const total = knownTotal ?? page.total ?? 0;
      if (knownTotal === undefined && mode !== 'off') totals.set(totalKey, version, total);
      const body = JSON.stringify({
        data: page.cars.map((car) => serializeCar(car, tenant)),
        meta: { page: query.page, limit: query.limit, total, totalPages: Math.ceil(total / query.limit) },
      });
      if (useBodies) bodies.set(bodyKey, version, body);
      return sendJson(c, body);
    },
  )
  .get(
    '/:slug',
    describeRoute({
      tags: ['Storefront'],
      summary: 'One published car by slug (draft and sold cars are 404)',
      responses: {
        200: { description: '{data: Car}' },
        304: { description: 'Not modified' },
        404: { description: 'not_found' },
      },
    }),
    validate('param', carSlugParam),
    async (c) => {
      const { slug } = c.req.valid('param');
      const tenant = c.var.tenant;
      const version = await currentVersion(c);
      const etag = etagFor(tenant, version);
      if (matches(c.req.header('if-none-match'), etag)) {
        cachedHeaders(c, etag);
        return c.body(null, 304);
      }
      const bodyKey = `${tenant.id}|slug|${slug}`;
      const useBodies = c.var.deps.env.CARS_CACHE === 'responses';
      let body = useBodies ? bodies.get(bodyKey, version) : undefined;
      if (body === undefined) {
        const car = await findPublishedCarBySlug({ db: c.var.deps.db, tenantId: tenant.id, slug });
        if (!car) throw notFound('Car');
        body = JSON.stringify({ data: serializeCar(car, tenant) });
        if (useBodies) bodies.set(bodyKey, version, body);
      }
      cachedHeaders(c, etag);
      return sendJson(c, body);
    },
  );
