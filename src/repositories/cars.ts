// Writes to a tenant's cars: create (slug and display code unique per tenant, race-safe), optimistic-locked
// update, delete and status transitions (CONTRACT §4). Each write bumps the tenant's catalogue version in
// the same transaction, which is what storefront ETags and caches are keyed by.
import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import { type Car, type CarStatus, carCatalogVersions, cars } from '../../drizzle/schema';
import type { Executor } from '../db/client';
import { catalogChanged } from '../lib/car-catalog';
import { AppError, conflict, isUniqueViolation, notFound, pgConstraint } from '../lib/errors';
import { slugify } from '../lib/slug';
import type { CarRow } from './cars-search';

export type CarInput = Pick<
  Car,
  | 'title'
  | 'brand'
  | 'model'
  | 'variant'
  | 'year'
  | 'price'
  | 'mileageKm'
  | 'transmission'
  | 'fuel'
  | 'bodyType'
  | 'color'
  | 'description'
  | 'features'
  | 'conditionNotes'
  | 'specs'
  | 'photos'
>;

export type NewCar = Omit<CarInput, 'title'> & {
  title?: string | undefined;
  displayCode?: string | undefined;
  /** A car starts as a draft or goes straight to `available`. */
  status?: 'draft' | 'available' | undefined;
};

export type CarChanges = Partial<CarInput & { displayCode: string }>;

/** To-status → the statuses it may be reached from. */
const reachableFrom: Record<CarStatus, CarStatus[]> = {
  available: ['draft', 'booking', 'sold'],
  booking: ['available'],
  sold: ['available', 'booking'],
  draft: ['available'],
};

export const canTransition = (from: CarStatus, to: CarStatus) => reachableFrom[to].includes(from);

const { search: _search, tenantId: _tenantId, ...returned } = getTableColumns(cars);

export async function findCar({ db, tenantId, id }: { db: Executor; tenantId: string; id: string }) {
  const [row] = await db
    .select(returned)
    .from(cars)
    .where(and(eq(cars.tenantId, tenantId), eq(cars.id, id)));
  return (row as CarRow | undefined) ?? null;
}

/** Bumps the tenant's catalogue version; call inside the transaction that changed its cars. */
export async function bumpCatalogVersion({ db, tenantId }: { db: Executor; tenantId: string }): Promise<number> {
  const [row] = await db
    .insert(carCatalogVersions)
    .values({ tenantId, version: 1 })
    .onConflictDoUpdate({
      target: carCatalogVersions.tenantId,
      set: { version: sql`${carCatalogVersions.version} + 1`, updatedAt: new Date() },
    })
    .returning({ version: carCatalogVersions.version });
  return Number(row!.version);
}

const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

function generatedDisplayCode(brand: string): string {
  const prefix = slugify(brand).replace(/-/g, '').slice(0, 3).toUpperCase() || 'CAR';
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += CODE_ALPHABET[Math.floor(Math.random() * CODE_ALPHABET.length)];
  return `${prefix}-${suffix}`;
}

async function nextSlug(db: Executor, tenantId: string, base: string): Promise<string> {
  const rows = await db
    .select({ slug: cars.slug })
    .from(cars)
    .where(and(eq(cars.tenantId, tenantId), sql`(${cars.slug} = ${base} or ${cars.slug} like ${`${base}-%`})`));
  const taken = new Set(rows.map((r) => r.slug));
  if (!taken.has(base)) return base;
  let n = 2;
  for (const slug of taken) {
    const m = slug.slice(base.length).match(/^-(\d+)$/);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return `${base}-${n}`;
}

const displayCodeTaken = () =>
  conflict('displayCode is already used by another car', [{ path: 'displayCode', message: 'already taken' }]);

export async function createCar({
  db,
  tenantId,
  input,
  now = new Date(),
}: {
  db: Executor;
  tenantId: string;
  input: NewCar;
  now?: Date;
}): Promise<CarRow> {
  const base = slugify([input.year, input.brand, input.model, input.variant].filter(Boolean).join(' '));
  const { displayCode, status = 'draft', title, ...fields } = input;
  const row = await db.transaction(async (tx) => {
    // Two creators may pick the same slug (or generated code); the loser retries from a savepoint.
    for (let attempt = 0; ; attempt++) {
      const slug = await nextSlug(tx, tenantId, base);
      try {
        const [created] = await tx.transaction((sp) =>
          sp
            .insert(cars)
            .values({
              ...fields,
              tenantId,
              slug,
              displayCode: displayCode ?? generatedDisplayCode(input.brand),
              title: title ?? [input.year, input.brand, input.model, input.variant].filter(Boolean).join(' '),
              status,
              publishedAt: status === 'draft' ? null : now,
              createdAt: now,
              updatedAt: now,
            })
            .returning(returned),
        );
        await bumpCatalogVersion({ db: tx, tenantId });
        return created as CarRow;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        const constraint = pgConstraint(err);
        if (constraint === 'cars_tenant_display_code_key' && displayCode !== undefined) throw displayCodeTaken();
        if (attempt >= 5) throw conflict('Could not allocate a unique slug, please retry');
      }
    }
  });
  catalogChanged(tenantId);
  return row;
}

/** `version = expected` in the WHERE clause: of two writers holding the same version exactly one wins. */
export async function updateCar({
  db,
  tenantId,
  id,
  version,
  changes,
  now = new Date(),
}: {
  db: Executor;
  tenantId: string;
  id: string;
  version: number;
  changes: CarChanges;
  now?: Date;
}): Promise<CarRow> {
  const row = await db.transaction(async (tx) => {
    let updated: CarRow | undefined;
    try {
      [updated] = (await tx
        .update(cars)
        .set({ ...changes, version: sql`${cars.version} + 1`, updatedAt: now })
        .where(and(eq(cars.tenantId, tenantId), eq(cars.id, id), eq(cars.version, version)))
        .returning(returned)) as CarRow[];
    } catch (err) {
      if (isUniqueViolation(err) && pgConstraint(err) === 'cars_tenant_display_code_key') throw displayCodeTaken();
      throw err;
    }
    if (!updated) throw await missOrStale(tx, tenantId, id, version);
    await bumpCatalogVersion({ db: tx, tenantId });
    return updated;
  });
  catalogChanged(tenantId);
  return row;
}

async function missOrStale(db: Executor, tenantId: string, id: string, version: number): Promise<AppError> {
  const current = await findCar({ db, tenantId, id });
  if (!current) return notFound('Car');
  return new AppError('version_conflict', 'The car was changed by someone else; reload it and retry', {
    details: [{ path: 'version', message: `expected ${version}, current is ${current.version}` }],
  });
}

export async function deleteCar({
  db,
  tenantId,
  id,
  version,
}: {
  db: Executor;
  tenantId: string;
  id: string;
  /** When given (If-Match), a stale version is a conflict and deletes nothing. */
  version?: number | undefined;
}): Promise<CarRow> {
  const row = await db.transaction(async (tx) => {
    const conditions = [eq(cars.tenantId, tenantId), eq(cars.id, id)];
    if (version !== undefined) conditions.push(eq(cars.version, version));
    const [deleted] = (await tx
      .delete(cars)
      .where(and(...conditions))
      .returning(returned)) as CarRow[];
    if (!deleted) throw version === undefined ? notFound('Car') : await missOrStale(tx, tenantId, id, version);
    await bumpCatalogVersion({ db: tx, tenantId });
    return deleted;
  });
  catalogChanged(tenantId);
  return row;
}

export async function changeCarStatus({
  db,
  tenantId,
  id,
  status,
  version,
  now = new Date(),
}: {
  db: Executor;
  tenantId: string;
  id: string;
  status: CarStatus;
  version?: number | undefined;
  now?: Date;
}): Promise<{ car: CarRow; from: CarStatus }> {
  const result = await db.transaction(async (tx) => {
    const [current] = await tx
      .select({ status: cars.status, version: cars.version, publishedAt: cars.publishedAt })
      .from(cars)
      .where(and(eq(cars.tenantId, tenantId), eq(cars.id, id)))
      .for('update');
    if (!current) throw notFound('Car');
    if (version !== undefined && current.version !== version) throw await missOrStale(tx, tenantId, id, version);
    if (!canTransition(current.status, status)) {
      throw new AppError('invalid_transition', `A car cannot go from ${current.status} to ${status}`, {
        details: [{ path: 'status', message: `allowed from ${current.status}: ${allowedNext(current.status)}` }],
      });
    }
    const [car] = (await tx
      .update(cars)
      .set({
        status,
        version: sql`${cars.version} + 1`,
        updatedAt: now,
        // Set once, when the car first leaves draft; a car sent back to draft keeps its first date.
        ...(status !== 'draft' && !current.publishedAt ? { publishedAt: now } : {}),
      })
      .where(and(eq(cars.tenantId, tenantId), eq(cars.id, id)))
      .returning(returned)) as CarRow[];
    await bumpCatalogVersion({ db: tx, tenantId });
    return { car: car!, from: current.status };
  });
  catalogChanged(tenantId);
  return result;
}

function allowedNext(from: CarStatus): string {
  const next = (Object.keys(reachableFrom) as CarStatus[]).filter((to) => canTransition(from, to));
  return next.join(', ') || 'none';
}
