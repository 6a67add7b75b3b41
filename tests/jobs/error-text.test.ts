// What a failed job keeps as its error (tenant admins read it through GET /api/admin/jobs/:id): a failed
// query is named by the database's reason only, never its SQL or parameters.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { DrizzleQueryError, sql } from 'drizzle-orm';
import { z } from 'zod';
import { enqueue } from '../../src/jobs/queue';
import { createRegistry, defineTask } from '../../src/jobs/registry';
import { storedError } from '../../src/jobs/run-job';
import { createWorker } from '../../src/jobs/worker';
import { manualClock } from '../../src/lib/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { readJob, testDeps } from './support';

describe('a failed job’s stored error', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  test('a failing query leaves the database’s reason, not the SQL or its parameters', async () => {
    const tasks = createRegistry([
      defineTask({
        type: 'test.bad_query',
        payload: z.object({}),
        async run(_payload, ctx) {
          await ctx.deps.db.execute(sql`select * from no_such_table where email = ${'budi@private.example'}`);
        },
      }),
    ]);
    const clock = manualClock(new Date(Date.now() + 1000));
    const deps = await testDeps(database, clock);
    const worker = createWorker({ deps, registry: tasks, concurrency: 1, clock });
    const { id } = await enqueue(database.db, { type: 'test.bad_query' });
    expect(await worker.runOnce()).toBe(1);
    const job = await readJob(database, id);
    expect(job.status).toBe('failed');
    expect(job.lastError).toBe('Database error: relation "no_such_table" does not exist');
  });

  test('other errors keep their name and message; a failed query carried in text is cut off', () => {
    const query = new DrizzleQueryError(
      'update "users" set "password_hash" = $1',
      ['$argon2id$secret'],
      new Error('deadlock detected'),
    );
    expect(storedError(query)).toBe('Database error: deadlock detected');
    expect(storedError(new TypeError('provider down'))).toBe('TypeError: provider down');
    expect(storedError(new Error(`sync failed: ${query.message}`))).toBe('Error: sync failed: Database error');
    expect(storedError('plain text')).toBe('plain text');
    expect(storedError(new Error('x'.repeat(5000)))).toHaveLength(1000);
  });
});
