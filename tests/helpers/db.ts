// A fresh, migrated database per test file: in-memory PGlite by default, or a uniquely named database
// on a PostgreSQL server when TEST_DATABASE_URL is set (created here, dropped by close()).
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import postgres from 'postgres';
import * as schema from '../../drizzle/schema';
import { createDatabase, type Database, type Db } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';

export const serverUrl = process.env.TEST_DATABASE_URL;
export const usingServer = Boolean(serverUrl);

let template: Promise<Blob> | undefined;

/** Migrating PGlite takes seconds; do it once per process and clone the data directory after. */
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const database = await createDatabase({});
    await migrateDatabase(database);
    const blob = await database.pglite!.dumpDataDir('none');
    await database.close();
    return blob;
  })();
  return template;
}

/** Builds the PGlite template now (the test preload calls it). */
export async function warmTemplate(): Promise<void> {
  await pgliteTemplate();
}

export type TestDatabase = Database & { name: string; url?: string };

export async function createTestDatabase(): Promise<TestDatabase> {
  if (serverUrl) {
    const name = `showroom_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = withDatabase(serverUrl, name);
    const database = await createDatabase({ url, poolSize: 10 });
    await migrateDatabase(database);
    return {
      ...database,
      name,
      url,
      close: async () => {
        await database.close();
        const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
        await dropper.end();
      },
    };
  }
  const pglite = new PGlite({ loadDataDir: await pgliteTemplate() });
  await pglite.waitReady;
  const db = drizzle(pglite, { schema, casing: 'snake_case' }) as unknown as Db;
  return { db, driver: 'pglite', pglite, name: 'pglite', close: () => pglite.close() };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
