// One `Db` over two drivers: embedded PGlite (no DATABASE_URL) or a PostgreSQL server via postgres.js.
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from '../../drizzle/schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema>;
/** Anything a repository can run a query on: the database or an open transaction. */
export type Executor = Db | Tx;

export type Database = {
  db: Db;
  driver: 'pglite' | 'postgres';
  /** The raw postgres.js client (server driver only): LISTEN/NOTIFY, tuned hot paths, benchmarks. */
  sql?: postgres.Sql;
  /** The raw PGlite instance (embedded driver only). */
  pglite?: PGlite;
  close(): Promise<void>;
};

export type DatabaseOptions = {
  url?: string;
  /** PGlite data directory; undefined means in memory. */
  dataDir?: string;
  poolSize?: number;
};

export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const sql = postgres(options.url, {
      max: options.poolSize ?? 10,
      onnotice: () => {},
      connection: { application_name: 'showroom' },
      // int8 (counts, prices) as JS numbers: every value we store is far below 2^53.
      types: {
        int8: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) },
      },
    });
    const db = drizzlePostgres(sql, { schema, casing: 'snake_case' }) as unknown as Db;
    return { db, driver: 'postgres', sql, close: () => sql.end({ timeout: 5 }) };
  }
  const pglite = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
  await pglite.waitReady;
  const db = drizzlePglite(pglite, { schema, casing: 'snake_case' }) as unknown as Db;
  return { db, driver: 'pglite', pglite, close: () => pglite.close() };
}

/** Rows of a raw `db.execute(sql…)`, whichever driver ran it. */
export async function queryRows<T = Record<string, unknown>>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
