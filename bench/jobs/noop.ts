// What both jobs benchmarks (run.ts, profile.ts) share: `count` queued no-op jobs, and a registry whose
// no-op task resolves `done` once it has run that many times.
import type { Sql } from 'postgres';
import { uuidv7 } from 'uuidv7';
import { z } from 'zod';
import { createRegistry, defineTask } from '../../src/jobs/registry';

export async function seedNoopJobs(sql: Sql, count: number) {
  for (let i = 0; i < count; i += 5000) {
    const ids = Array.from({ length: Math.min(5000, count - i) }, () => uuidv7());
    await sql`insert into jobs (id, type) select unnest(${sql.array(ids)}::uuid[]), 'noop'`;
  }
  await sql`vacuum analyze jobs`;
}

export function noopRegistry(count: number) {
  let ran = 0;
  const { promise: done, resolve } = Promise.withResolvers<void>();
  const registry = createRegistry([
    defineTask({
      type: 'noop',
      payload: z.looseObject({}),
      async run() {
        if (++ran === count) resolve();
        return null;
      },
    }),
  ]);
  return { registry, done };
}
