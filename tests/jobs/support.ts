// Shared pieces for the jobs tests: a minimal Deps over a test database, a tenant, and row reads.
import { eq } from 'drizzle-orm';
import { type Job, jobs, tenants } from '../../drizzle/schema';
import type { Database } from '../../src/db/client';
import { parseEnv } from '../../src/env';
import { type Clock, systemClock } from '../../src/lib/clock';
import type { Deps } from '../../src/lib/deps';
import { EventBus } from '../../src/lib/event-bus';
import { createLogger } from '../../src/lib/logger';
import { createMetrics } from '../../src/lib/metrics';

export function testDeps(database: Database, clock: Clock = systemClock): Deps {
  return {
    env: parseEnv({ NODE_ENV: 'test' }),
    database,
    db: database.db,
    clock,
    log: createLogger('silent'),
    metrics: createMetrics(),
    bus: new EventBus(),
    fetch: globalThis.fetch,
  };
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
