// GET /api/cars and GET /api/cars/:slug: the storefront's published cars. The ETag is the tenant's catalogue
// version (src/lib/car-catalog.ts), known in process, plus a hash of the normalised URL, so a list 304 costs
// no query; a car's 304 needs to know the car is published, from the cached answer or else one lookup. Totals
// and whole answers are cached under that version (CARS_CACHE) and so never outlive a change.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { Tenant } from '../../../drizzle/schema';
import type { AppEnv } from '../../lib/app-env';
import { catalogVersionNow } from '../../lib/car-catalog';
import { carSlugParam, type PublicCarListQuery, publicCarListQuery } from '../../lib/car-schemas';
import { serializeCar } from '../../lib/car-serializer';
import type { Deps } from '../../lib/deps';
import { notFound } from '../../lib/errors';
import {
  encodeJson,
  etagMatches,
  PUBLIC_CACHE_CONTROL,
  publicCacheHeaders,
  sendJson,
  shortHash,
} from '../../lib/http-cache';
import { pageMeta } from '../../lib/pagination';
import { VersionedCache } from '../../lib/response-cache';
import { validate } from '../../lib/validate';
import { type CarSort, findPublishedCarBySlug, searchPublishedCars } from '../../repositories/cars-search';

/** Part of every ETag: bump when the response shape changes so old validators stop matching. */
const SHAPE = 'c1';

// Answers are kept encoded, as Blobs, so a hit is sent without re-encoding ~21 KB, and without copying it:
// a Response takes a Blob's bytes by reference but copies a Uint8Array's (on Bun the copy and its garbage
// were the largest single cost of a cached page, bench/rate-limit). Bounded by CARS_CACHE_MAX_MB, read
// when the first app in the process serves a list (one cache per process).
let bodyCache: VersionedCache<Blob> | undefined;
const bodiesFor = (env: Deps['env']) => {
  bodyCache ??= new VersionedCache<Blob>(50_000, {
    weigh: (body) => body.size,
    maxWeight: env.CARS_CACHE_MAX_MB * 1024 * 1024,
  });
  return bodyCache;
};
const totals = new VersionedCache<number>(20_000);

// c.get() rather than c.var: on the hot path, and c.var copies every variable.
const currentVersion = (c: Context<AppEnv>) =>
  catalogVersionNow({ db: c.get('deps').db, tenantId: c.get('tenant').id });

/**
 * Depends only on what the answer depends on: the catalogue, the tenant's locale/currency, the shape, and
 * which answer it is (`urlKey`, the normalised query or slug), so no two URLs of a tenant share a tag.
 */
const etagFor = (tenant: Tenant, version: number, urlKey: string) =>
  `W/"${SHAPE}.${version.toString(36)}.${tenant.updatedAt.getTime().toString(36)}.${shortHash(urlKey)}"`;

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

const inflight = new Map<string, Promise<Blob>>();

/** The answer's body from the database (with a cached total when CARS_CACHE allows). */
async function render(
  deps: Deps,
  tenant: Tenant,
  query: PublicCarListQuery,
  sort: CarSort,
  filters: string,
  version: number,
): Promise<Blob> {
  const mode = deps.env.CARS_CACHE;
  const totalKey = `${tenant.id}|${filters}`;
  const knownTotal = mode === 'off' ? undefined : totals.get(totalKey, version);
  const page = await searchPublishedCars({
    db: deps.db,
    tenantId: tenant.id,
    filters: query,
    sort,
    page: query.page,
    limit: query.limit,
    count: knownTotal === undefined,
  });
  const total = knownTotal ?? page.total ?? 0;
  if (knownTotal === undefined && mode !== 'off') totals.set(totalKey, version, total);
  return encodeJson({
    data: page.cars.map((car) => serializeCar(car, tenant)),
    meta: pageMeta(query.page, query.limit, total),
  });
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
        PUBLIC_CACHE_CONTROL +
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
      const tenant = c.get('tenant');
      const sort: CarSort = query.sort ?? (query.q ? 'relevance' : 'newest');
      const filters = filterKey(query);
      const urlKey = `${filters}|${sort}|${query.page}|${query.limit}`;
      const version = await currentVersion(c);
      const etag = etagFor(tenant, version, urlKey);
      publicCacheHeaders(c, etag);
      // A list always exists (an empty page is still an answer), so `*` and our tag need no query.
      if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304);

      const deps = c.get('deps');
      const mode = deps.env.CARS_CACHE;
      const useBodies = mode === 'responses';
      const bodyKey = `${tenant.id}|${urlKey}`;
      const bodies = bodiesFor(deps.env);
      if (useBodies) {
        const hit = bodies.get(bodyKey, version);
        if (hit !== undefined) return sendJson(c, hit);
      }
      // Requests for one missing answer share one query (a popular page right after a catalogue change).
      const flightKey = `${bodyKey}|${version}`;
      let pending = useBodies ? inflight.get(flightKey) : undefined;
      if (!pending) {
        pending = render(deps, tenant, query, sort, filters, version);
        if (useBodies) {
          const own = pending;
          inflight.set(flightKey, own);
          void own.then(
            (body) => {
              inflight.delete(flightKey);
              bodies.set(bodyKey, version, body);
            },
            () => inflight.delete(flightKey),
          );
        }
      }
      return sendJson(c, await pending);
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
      const tenant = c.get('tenant');
      const version = await currentVersion(c);
      const etag = etagFor(tenant, version, `slug|${slug}`);
      const bodyKey = `${tenant.id}|slug|${slug}`;
      const useBodies = c.get('deps').env.CARS_CACHE === 'responses';
      const bodies = bodiesFor(c.get('deps').env);
      // A cached answer at this version proves the car is published; otherwise look it up before any 304,
      // so a draft, sold or unknown slug is a 404 whatever the client's validator (or `*`).
      let body = useBodies ? bodies.get(bodyKey, version) : undefined;
      if (body === undefined) {
        const car = await findPublishedCarBySlug({ db: c.get('deps').db, tenantId: tenant.id, slug });
        if (!car) throw notFound('Car');
        body = encodeJson({ data: serializeCar(car, tenant) });
        if (useBodies) bodies.set(bodyKey, version, body);
      }
      publicCacheHeaders(c, etag);
      if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304);
      return sendJson(c, body);
    },
  );
