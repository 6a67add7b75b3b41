// Shared pieces for the jobs tests: a minimal Deps over a test database, a tenant, and row reads.
import { eq } from 'drizzle-orm';
import { type Job, jobs, tenants } from '../../drizzle/schema';
import { createDeps } from '../../src/bootstrap';
import type { Database } from '../../src/db/client';
import { parseEnv } from '../../src/env';
import { type Clock, systemClock } from '../../src/lib/clock';
import type { Deps } from '../../src/lib/deps';

export function testDeps(database: Database, clock: Clock = systemClock): Promise<Deps> {
  return createDeps(parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), { database, clock, skipMigrations: true });
}

export async function createTenant(database: Database, slug: string): Promise<string> {
  const [row] = await database.db.insert(tenants).values({ slug, name: slug }).returning({ id: tenants.id });
  return row!.id;
}

export async function readJob(database: Database, id: string): Promise<Job> {
  const [row] = await database.db.select().from(jobs).where(eq(jobs.id, id));
  if (!row) throw new Error(`job ${id} not found`);
  return row;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds or the time is up (then fails with `what`). */
export async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}
