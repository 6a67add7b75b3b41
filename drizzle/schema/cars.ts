// Car listings. `search` is a generated tsvector over the text a buyer types (English + Indonesian stems)
// plus one lexeme naming the tenant, so the shared GIN index can be narrowed to one tenant.
import { type SQL, sql } from 'drizzle-orm';
import {
  bigint,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns';
import { tenants } from './tenants';

export const carStatus = pgEnum('car_status', ['draft', 'available', 'booking', 'sold']);
export const transmission = pgEnum('transmission', ['manual', 'automatic']);
export const fuel = pgEnum('fuel', ['petrol', 'diesel', 'hybrid', 'electric']);

export const tsvector = customType<{ data: string }>({
  dataType: () => 'tsvector',
});

export type CarPhoto = { url: string; alt: string | null; isPrimary: boolean; position: number };

/**
 * The lexeme that tags a car's search document with its tenant: `t` + the tenant id's 32 hex digits. Every
 * full-text query ANDs it in (src/repositories/car-text-query.ts), so the GIN index intersects the words'
 * posting lists with this tenant's and a common word never reads other tenants' matches.
 */
export const tenantLexemeSql = (tenantId: unknown): SQL => sql`'t' || replace(${tenantId}::text, '-', '')`;

/** The document indexed for full-text search; queries rank against it with their words only. */
export const carSearchDocument = (t: {
  tenantId: unknown;
  title: unknown;
  brand: unknown;
  model: unknown;
  variant: unknown;
  description: unknown;
}): SQL =>
  sql`setweight(to_tsvector('simple', coalesce(${t.title}, '') || ' ' || coalesce(${t.brand}, '') || ' ' || coalesce(${t.model}, '') || ' ' || coalesce(${t.variant}, '')), 'A')
  || setweight(to_tsvector('english', coalesce(${t.description}, '')), 'B')
  || setweight(to_tsvector('indonesian', coalesce(${t.description}, '')), 'C')
  || (${tenantLexemeSql(t.tenantId)})::tsvector`;

/** The storefront's predicate; queries must spell it exactly so the partial indexes below apply. */
export const PUBLISHED_STATUSES = ['available', 'booking'] as const;
const published = sql.raw(`status in ('available', 'booking')`);

export const cars = pgTable(
  'cars',
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    slug: text().notNull(),
    displayCode: text().notNull(),
    title: text().notNull(),
    brand: text().notNull(),
    model: text().notNull(),
    variant: text(),
    year: integer().notNull(),
    price: bigint({ mode: 'number' }).notNull(),
    mileageKm: integer().notNull().default(0),
    transmission: transmission().notNull(),
    fuel: fuel().notNull(),
    bodyType: text(),
    color: text(),
    description: text(),
    features: jsonb().$type<string[]>().notNull().default([]),
    conditionNotes: text(),
    specs: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    photos: jsonb().$type<CarPhoto[]>().notNull().default([]),
    status: carStatus().notNull().default('draft'),
    publishedAt: tstz(),
    version: integer().notNull().default(1),
    search: tsvector()
      .notNull()
      .generatedAlwaysAs(
        (): SQL =>
          carSearchDocument({
            tenantId: cars.tenantId,
            title: cars.title,
            brand: cars.brand,
            model: cars.model,
            variant: cars.variant,
            description: cars.description,
          }),
      ),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('cars_tenant_slug_key').on(t.tenantId, t.slug),
    uniqueIndex('cars_tenant_display_code_key').on(t.tenantId, t.displayCode),
    index('cars_tenant_status_idx').on(t.tenantId, t.status),
    index('cars_tenant_created_idx').on(t.tenantId, t.createdAt.desc(), t.id.desc()),
    index('cars_search_idx').using('gin', t.search),
    // Storefront reads only published cars, so each sort gets a partial index in its own order: a page is
    // an index range scan that stops after `limit` rows whatever the size of the catalogue (bench/RESULTS.md).
    index('cars_public_newest_idx').on(t.tenantId, t.publishedAt.desc(), t.id.desc()).where(published),
    index('cars_public_price_idx').on(t.tenantId, t.price, t.id).where(published),
    index('cars_public_year_idx').on(t.tenantId, t.year, t.id).where(published),
    index('cars_public_mileage_idx').on(t.tenantId, t.mileageKm, t.id).where(published),
    index('cars_public_brand_idx')
      .on(t.tenantId, sql`lower(${t.brand})`, t.publishedAt.desc(), t.id.desc())
      .where(published),
    // "Toyota, cheapest first" is the commonest filtered sort; other brand + sort pairs top-N sort the brand.
    index('cars_public_brand_price_idx').on(t.tenantId, sql`lower(${t.brand})`, t.price, t.id).where(published),
    index('cars_public_brand_model_idx')
      .on(t.tenantId, sql`lower(${t.brand})`, sql`lower(${t.model})`, t.publishedAt.desc(), t.id.desc())
      .where(published),
    check('cars_price_positive', sql`${t.price} > 0`),
    check('cars_mileage_nonnegative', sql`${t.mileageKm} >= 0`),
  ],
);

export type Car = typeof cars.$inferSelect;
export type CarStatus = (typeof carStatus.enumValues)[number];

/**
 * One row per tenant, bumped in the same transaction as every write to its cars: response caches and
 * ETags are keyed by this number, so a cached storefront answer is never older than its key.
 */
export const carCatalogVersions = pgTable('car_catalog_versions', {
  tenantId: uuid()
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  version: bigint({ mode: 'number' }).notNull().default(0),
  updatedAt: updatedAt(),
});
