// One `?page&limit` rule for every list (CONTRACT §1): page 1..100000, limit 1..100 (default 20), plain
// decimal digits only — `0x10`, `1e2`, `-1`, ` 5` are 400, a blank value is the default — and one meta shape.
import { z } from 'zod';

export const MAX_PAGE = 100_000;
export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 20;

/** A query-string whole number in [min, max]; absent or blank → `fallback`; one detail line per bad value. */
function wholeNumber(min: number, max: number, fallback: number, description: string) {
  return z
    .string()
    .regex(/^\d*$/, 'Must be a whole number written in digits')
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return fallback;
      const n = raw.length > 15 ? Number.POSITIVE_INFINITY : Number(raw);
      if (n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `Must be between ${min} and ${max}`, input: raw });
        return z.NEVER;
      }
      return n;
    })
    .describe(description);
}

/** The shape with a lower page ceiling, for lists whose deep pages are costly (see car-schemas.ts). */
export function paginationShapeUpTo(maxPage: number) {
  return {
    page: wholeNumber(1, maxPage, 1, `Page number, 1..${maxPage} (default 1)`),
    limit: wholeNumber(1, MAX_LIMIT, DEFAULT_LIMIT, `Items per page, 1..${MAX_LIMIT} (default ${DEFAULT_LIMIT})`),
  };
}

export const paginationShape = paginationShapeUpTo(MAX_PAGE);

/** `?page&limit` alone; extend with `paginationQuery.extend({...})` or spread `paginationShape`. */
export const paginationQuery = z.object(paginationShape);

export type PageMeta = { page: number; limit: number; total: number; totalPages: number };

export function pageMeta(page: number, limit: number, total: number): PageMeta {
  return { page, limit, total, totalPages: Math.ceil(total / limit) };
}
