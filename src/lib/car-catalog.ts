// Per-tenant catalogue version as this process knows it, so storefront ETags, 304s and cached answers need
// no query: the number is re-read from car_catalog_versions at most once per `refreshMs` per tenant (other
// instances' writes show within that window) and dropped at once after a write in this process.
import { eq } from 'drizzle-orm';
import { carCatalogVersions } from '../../drizzle/schema';
import type { Executor } from '../db/client';

type Known = { version: number; checkedAt: number };

/** How long a version read from the database is trusted before it is read again. */
export const CATALOG_REFRESH_MS = 1_000;

// Keyed by tenant id: ids are UUIDs, so apps over different databases in one process never collide.
const known = new Map<string, Known>();
const loading = new Map<string, Promise<number>>();
/** Bumped by catalogChanged: a read that started before a change must not be remembered. */
const generation = new Map<string, number>();

/** The version if this process read it recently (the hot path: no await, no query), else undefined. */
export function peekCatalogVersion(tenantId: string, now = Date.now()): number | undefined {
  const k = known.get(tenantId);
  return k && now - k.checkedAt < CATALOG_REFRESH_MS ? k.version : undefined;
}

export async function catalogVersion({ db, tenantId }: { db: Executor; tenantId: string }): Promise<number> {
  const fresh = peekCatalogVersion(tenantId);
  if (fresh !== undefined) return fresh;
  return loading.get(tenantId) ?? load(db, tenantId);
}

/**
 * The hot path's version: like catalogVersion, but once half of `refreshMs` has passed it re-reads the
 * version in the background and keeps answering with the known one (still within `refreshMs` of its
 * reading), so a busy tenant's requests never wait on that query. Only an idle tenant's first request waits.
 */
export function catalogVersionNow({ db, tenantId }: { db: Executor; tenantId: string }): number | Promise<number> {
  const now = Date.now();
  const k = known.get(tenantId);
  if (!k || now - k.checkedAt >= CATALOG_REFRESH_MS) return catalogVersion({ db, tenantId });
  if (now - k.checkedAt >= CATALOG_REFRESH_MS / 2 && !loading.has(tenantId)) {
    // A failed background read is not an answer to anyone: the next request past refreshMs reads again.
    load(db, tenantId).catch(() => {});
  }
  return k.version;
}

function load(db: Executor, tenantId: string): Promise<number> {
  const startedAt = Date.now();
  const gen = generation.get(tenantId) ?? 0;
  const pending = db
    .select({ version: carCatalogVersions.version })
    .from(carCatalogVersions)
    .where(eq(carCatalogVersions.tenantId, tenantId))
    .then((rows) => {
      const version = rows[0]?.version ?? 0;
      if ((generation.get(tenantId) ?? 0) === gen) known.set(tenantId, { version, checkedAt: startedAt });
      return version;
    })
    .finally(() => {
      if (loading.get(tenantId) === pending) loading.delete(tenantId);
    });
  loading.set(tenantId, pending);
  return pending;
}

/**
 * Call after a write to a tenant's cars has committed (the repository's write functions call it too, which
 * covers autocommit callers). Readers then re-read the version; until the commit they still see the old one,
 * so nothing cached can be older than the version it is filed under.
 */
export function catalogChanged(tenantId: string): void {
  generation.set(tenantId, (generation.get(tenantId) ?? 0) + 1);
  known.delete(tenantId);
  loading.delete(tenantId);
}
