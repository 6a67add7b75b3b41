// Retention and cheap job metrics: the worker deletes succeeded and cancelled jobs past
// JOBS_RETENTION_DAYS in short batches (dead and failed stay), and the job gauges agree with exact counts
// whichever way they are computed.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { type JobStatus, jobs } from '../../drizzle/schema';
import { queryRows } from '../../src/db/client';
import { parseEnv } from '../../src/env';
import { jobCounts } from '../../src/jobs/metrics';
import { createRegistry } from '../../src/jobs/registry';
import { uuidv7Floor } from '../../src/jobs/sql/purge';
import { createWorker } from '../../src/jobs/worker';
import { manualClock } from '../../src/lib/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createTenant, testDeps } from './support';

const DAY = 86_400_000;
const clock = manualClock('2025-06-30T00:00:00Z');
const daysAgo = (n: number) => new Date(clock.now().getTime() - n * DAY);
let database: TestDatabase;
let tenantId: string;
let seq = 0;

/** A job as the queue would have made it `createdDaysAgo`, finished `finishedDaysAgo`. */
async function insertJob(status: JobStatus, createdDaysAgo: number, finishedDaysAgo = createdDaysAgo) {
  const created = daysAgo(createdDaysAgo);
  // A UUIDv7 of that moment: its time prefix, then a counter for uniqueness.
  const id = uuidv7Floor(created).replace(/0000-0000-0{12}$/, `7000-8000-${(++seq).toString(16).padStart(12, '0')}`);
  const finished = ['succeeded', 'cancelled', 'dead'].includes(status) ? daysAgo(finishedDaysAgo) : null;
  await database.db.insert(jobs).values({
    id,
    tenantId,
    type: 'test.retention',
    status,
    createdAt: created,
    updatedAt: finished ?? created,
    runAt: created,
    completedAt: finished,
  });
  return id;
}

const remaining = async () =>
  (await database.db.select({ id: jobs.id }).from(jobs).where(sql`${jobs.type} = 'test.retention'`)).map((j) => j.id);

beforeAll(async () => {
  database = await createTestDatabase();
  tenantId = await createTenant(database, 'retention');
});
afterAll(() => database.close());

describe('jobs retention', () => {
  test('JOBS_RETENTION_DAYS defaults to 14', () => {
    expect(parseEnv({ NODE_ENV: 'test' }).JOBS_RETENTION_DAYS).toBe(14);
    expect(parseEnv({ NODE_ENV: 'test', JOBS_RETENTION_DAYS: '30' }).JOBS_RETENTION_DAYS).toBe(30);
  });

  test('deletes old succeeded and cancelled jobs in batches; keeps dead, failed, pending and recent ones', async () => {
    const doomed = [
      ...(await Promise.all(Array.from({ length: 5 }, () => insertJob('succeeded', 20)))),
      await insertJob('cancelled', 30),
      await insertJob('succeeded', 15),
    ];
    const kept = [
      await insertJob('dead', 40),
      await insertJob('failed', 40),
      await insertJob('queued', 40),
      await insertJob('succeeded', 3),
      await insertJob('cancelled', 13),
      // Created long ago, finished inside the window: it is kept until the window passes its finish.
      await insertJob('succeeded', 20, 2),
    ];
    const worker = createWorker({
      deps: await testDeps(database, clock),
      registry: createRegistry([]),
      clock,
      purgeBatchSize: 2,
    });
    expect(await worker.purge()).toBe(doomed.length);
    expect((await remaining()).sort()).toEqual([...kept].sort());
    expect(await worker.purge()).toBe(0);

    // A longer retention keeps more.
    const patient = createWorker({
      deps: await testDeps(database, clock),
      registry: createRegistry([]),
      clock,
      retentionDays: 60,
    });
    await insertJob('succeeded', 20);
    expect(await patient.purge()).toBe(0);
  });
});

describe('job gauges', () => {
  test('exact counts and the large-table path (pending exact, finished from statistics) agree', async () => {
    await insertJob('queued', 0);
    await insertJob('failed', 0);
    await insertJob('dead', 1);
    await insertJob('cancelled', 1);
    const exactRows = await queryRows<{ status: JobStatus; n: number }>(
      database.db,
      sql`select status, count(*)::int as n from jobs group by status`,
    );
    const exact = Object.fromEntries(exactRows.map((r) => [r.status, Number(r.n)]));
    const expected = {
      queued: exact.queued ?? 0,
      running: 0,
      succeeded: exact.succeeded ?? 0,
      failed: exact.failed ?? 0,
      dead: exact.dead ?? 0,
      cancelled: exact.cancelled ?? 0,
    };
    expect(await jobCounts(database.db)).toEqual(expected);
    // A small table is sampled whole by ANALYZE, so the statistics path is exact here too.
    await database.db.execute(sql`analyze jobs`);
    const [stats] = await queryRows<{ vals: string[] | null }>(
      database.db,
      sql`select most_common_vals::text::text[] as vals from pg_stats where tablename = 'jobs' and attname = 'status'`,
    );
    expect(stats?.vals).toContain('succeeded');
    expect(await jobCounts(database.db, 0)).toEqual(expected);
  });
});
