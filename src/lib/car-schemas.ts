// Request schemas for cars (the same zod schemas validate requests and describe them in /openapi.json).
// Query strings: unknown parameters are ignored (storefront links carry utm_* and the like) and empty values
// count as absent; every given value is checked, and crossed ranges (yearMin > yearMax) are a 400.
import { z } from 'zod';
import { carStatus, fuel, transmission } from '../../drizzle/schema';
import { paginationShapeUpTo } from './pagination';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const queryText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max).optional());
const queryInt = (min: number, max: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(min).max(max).optional());

export const CAR_SORTS = ['newest', 'price_asc', 'price_desc', 'year_desc', 'mileage_asc'] as const;
const MAX_PRICE = 1_000_000_000_000;
/** Upper end of an `integer` column: a larger number is a 400 on its field, not a database error. */
const MAX_INT32 = 2_147_483_647;
/**
 * Car lists page through OFFSET over a filtered (often full-text) query, and the storefront list is public:
 * pages stop at 10 000 (a million cars at limit 100) so nobody can make the database skip millions of rows.
 */
export const CAR_MAX_PAGE = 10_000;

const listQueryShape = {
  brand: queryText(60),
  model: queryText(60),
  yearMin: queryInt(1900, 2100),
  yearMax: queryInt(1900, 2100),
  priceMin: queryInt(0, MAX_PRICE),
  priceMax: queryInt(0, MAX_PRICE),
  transmission: z.preprocess(blankToUndefined, z.enum(transmission.enumValues).optional()),
  fuel: z.preprocess(blankToUndefined, z.enum(fuel.enumValues).optional()),
  bodyType: queryText(40),
  q: z.preprocess(blankToUndefined, z.string().trim().max(200).optional()),
  sort: z
    .preprocess(blankToUndefined, z.enum(CAR_SORTS).optional())
    .describe('`newest` by default; with `q` and no sort, results are ranked by relevance'),
  ...paginationShapeUpTo(CAR_MAX_PAGE),
};

type Ranged = { yearMin?: number; yearMax?: number; priceMin?: number; priceMax?: number };

function checkRanges(v: Ranged, ctx: z.RefinementCtx) {
  if (v.yearMin !== undefined && v.yearMax !== undefined && v.yearMin > v.yearMax) {
    ctx.addIssue({ code: 'custom', path: ['yearMin'], message: 'yearMin must not be greater than yearMax' });
  }
  if (v.priceMin !== undefined && v.priceMax !== undefined && v.priceMin > v.priceMax) {
    ctx.addIssue({ code: 'custom', path: ['priceMin'], message: 'priceMin must not be greater than priceMax' });
  }
}

export const publicCarListQuery = z.object(listQueryShape).superRefine(checkRanges);
export type PublicCarListQuery = z.infer<typeof publicCarListQuery>;

export const adminCarListQuery = z
  .object({
    ...listQueryShape,
    status: z
      .preprocess(
        (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : v.split(',').map((s) => s.trim())) : v),
        z.array(z.enum(carStatus.enumValues)).optional(),
      )
      .describe('One status or a comma-separated list (`draft,available`); all statuses when absent'),
  })
  .superRefine(checkRanges);

export const carIdParam = z.object({ id: z.uuid() });
export const carSlugParam = z.object({ slug: z.string().min(1).max(120) });

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullable();

const photo = z.object({
  url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048),
  alt: z.string().trim().max(200).nullish(),
  isPrimary: z.boolean().default(false),
  position: z.number().int().min(0).max(1000).optional(),
});

type PhotoIn = z.infer<typeof photo>;

/** Exactly one primary photo when there are photos; positions become 0..n-1 in the order given by them. */
const photos = z
  .array(photo)
  .max(50, 'at most 50 photos')
  .superRefine((list, ctx) => {
    const primaries = list.filter((p) => p.isPrimary).length;
    if (list.length > 0 && primaries !== 1) {
      ctx.addIssue({ code: 'custom', message: `exactly one photo must be primary (found ${primaries})` });
    }
  })
  .transform((list: PhotoIn[]) =>
    list
      .map((p, i) => ({ p, order: p.position ?? i, i }))
      .sort((a, b) => a.order - b.order || a.i - b.i)
      .map(({ p }, position) => ({ url: p.url, alt: p.alt ?? null, isPrimary: p.isPrimary, position })),
  );

const specValue = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);

const fields = {
  title: text(200),
  brand: text(60),
  model: text(60),
  variant: optionalText(100),
  year: z
    .number()
    .int()
    .min(1950)
    .refine((y) => y <= new Date().getUTCFullYear() + 1, { message: 'year must not be later than next year' }),
  price: z.number().int().positive().max(MAX_PRICE),
  mileageKm: z.number().int().min(0).max(5_000_000),
  transmission: z.enum(transmission.enumValues),
  fuel: z.enum(fuel.enumValues),
  bodyType: optionalText(40),
  color: optionalText(40),
  description: optionalText(5000),
  features: z.array(text(100)).max(50),
  conditionNotes: optionalText(2000),
  specs: z
    .record(z.string().min(1).max(60), specValue)
    .refine((s) => Object.keys(s).length <= 50, { message: 'at most 50 specs' }),
  photos,
  displayCode: text(40).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash or underscore'),
};

export const createCarBody = z.object({
  ...fields,
  title: fields.title.optional().describe('Defaults to "<year> <brand> <model> <variant>"'),
  variant: fields.variant.optional().default(null),
  mileageKm: fields.mileageKm.default(0),
  bodyType: fields.bodyType.optional().default(null),
  color: fields.color.optional().default(null),
  description: fields.description.optional().default(null),
  features: fields.features.default([]),
  conditionNotes: fields.conditionNotes.optional().default(null),
  specs: fields.specs.default({}),
  photos: fields.photos.default([]),
  displayCode: fields.displayCode.optional().describe('Generated (e.g. TOY-7K3Q9) when absent; unique per tenant'),
  status: z.enum(['draft', 'available']).default('draft'),
});

const version = z.number().int().min(1).max(MAX_INT32);

/** Read-only fields a client may echo back from a GET are ignored; `status` has its own route. */
export const updateCarBody = z
  .object({
    title: fields.title.optional(),
    brand: fields.brand.optional(),
    model: fields.model.optional(),
    variant: fields.variant.optional(),
    year: fields.year.optional(),
    price: fields.price.optional(),
    mileageKm: fields.mileageKm.optional(),
    transmission: fields.transmission.optional(),
    fuel: fields.fuel.optional(),
    bodyType: fields.bodyType.optional(),
    color: fields.color.optional(),
    description: fields.description.optional(),
    features: fields.features.optional(),
    conditionNotes: fields.conditionNotes.optional(),
    specs: fields.specs.optional(),
    photos: fields.photos.optional(),
    displayCode: fields.displayCode.optional(),
    version: version.optional().describe('Required here or as If-Match'),
    status: z.unknown().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.status !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'change status with PUT /api/admin/cars/:id/status' });
    }
  });

export const carStatusBody = z.object({
  status: z.enum(carStatus.enumValues),
  version: version.optional().describe('Optional optimistic lock (or If-Match)'),
});
