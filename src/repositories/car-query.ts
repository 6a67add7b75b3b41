// Runs hand-written SQL on either driver. On a PostgreSQL server the storefront's few query shapes are
// named prepared statements (postgres.js caches them per connection), which the query builder never uses;
// PGlite and open transactions go through drizzle so callers may compose as usual.
import { type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../db/client';

type RawClient = {
  unsafe?: (text: string, params: unknown[], options: { prepare: boolean }) => Promise<unknown[]>;
  query?: (text: string, params: unknown[]) => Promise<{ rows: unknown[] }>;
};

export async function runQuery<T>(db: Executor, text: string, params: unknown[]): Promise<T[]> {
  const client = (db as { $client?: RawClient }).$client;
  if (client?.unsafe) return (await client.unsafe(text, params, { prepare: true })) as T[];
  if (client?.query) return (await client.query(text, params)).rows as T[];
  return queryRows<T>(db, toSql(text, params));
}

/** `$n` placeholders → a drizzle SQL object (used inside transactions, which expose no raw client). */
export function toSql(text: string, params: unknown[]): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  for (let i = 0; i < parts.length; i++) {
    chunks.push(i % 2 === 0 ? sql.raw(parts[i]!) : sql`${params[Number(parts[i]) - 1]}`);
  }
  return sql.join(chunks);
}

/** Collects parameters while a query's text is assembled: `p.add(value)` returns its `$n`. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
