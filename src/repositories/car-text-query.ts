// The one full-text query over cars.search, shared by the storefront listing, lead matching and the AI's
// candidate search. The document carries its tenant's lexeme (drizzle/schema/cars.ts); every match ANDs it
// in, so the GIN index intersects the words with this tenant's cars instead of reading every tenant's.
import type { SQL } from 'drizzle-orm';
import { Params, toSql } from './car-query';

const MAX_WORDS = 8;

/**
 * Up to `max` words of what a buyer typed. A token without a letter or digit ("-", "&") has no lexeme, so
 * it is dropped here rather than left to empty the query.
 */
export const searchWords = (text: string, max = MAX_WORDS) =>
  text
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .slice(0, max);

/**
 * Per word, its 'simple', English and Indonesian forms OR-ed (the document was built in all three); the
 * words AND-ed (`all`: "keluarga irit" → ('keluarga' | 'luarga') & 'irit') or OR-ed (`any`). Factoring per
 * word keeps the GIN scan to one posting list per distinct lexeme.
 */
export function wordsTsQuery(p: Params, words: readonly string[], join: 'all' | 'any' = 'all'): string {
  const perWord = words.map((w) => {
    const ref = p.add(w);
    return `(plainto_tsquery('simple', ${ref}) || plainto_tsquery('english', ${ref}) || plainto_tsquery('indonesian', ${ref}))`;
  });
  return `(${perWord.join(join === 'all' ? ' && ' : ' || ')})`;
}

/** The tenant's lexeme as a tsquery, from the `$n` that holds the tenant id (same expression as the document). */
export const tenantTsQuery = (tenantRef: string) => `('t' || replace(${tenantRef}::text, '-', ''))::tsquery`;

/**
 * `where` and `rank` SQL text for `words` (already split by searchWords) in the tenant whose id is `tenantRef`.
 * No words → a predicate that matches nothing. Ranking uses the words alone, so the tenant term never
 * changes the order.
 */
export function textSearchSql(
  p: Params,
  tenantRef: string,
  words: readonly string[],
  join: 'all' | 'any' = 'all',
): { where: string; rank: string } {
  if (words.length === 0) return { where: 'false', rank: '0::real' };
  const tsq = wordsTsQuery(p, words, join);
  return { where: `search @@ (${tenantTsQuery(tenantRef)} && ${tsq})`, rank: `ts_rank(search, ${tsq})` };
}

/** The same as drizzle SQL, for query-builder callers (lead matching, AI candidates) over `from cars`. */
export function carTextSearch(
  tenantId: string,
  words: readonly string[],
  join: 'all' | 'any' = 'all',
): { where: SQL; rank: SQL } {
  const p = new Params();
  const tenantRef = p.add(tenantId);
  const { where, rank } = textSearchSql(p, tenantRef, words, join);
  return { where: toSql(where, p.values), rank: toSql(rank, p.values) };
}
