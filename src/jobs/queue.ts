// Enqueue: usable inside a caller's transaction, so an event row and its jobs commit together.
// A pending job (queued/running/failed) with the same jobKey makes a second enqueue a no-op
// (`pending_key` is the job key while the job is pending; a unique index holds it).
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { type Executor, queryRows } from '../db/client';

export type EnqueueInput = {
  type: string;
  payload?: Record<string, unknown>;
  tenantId?: string | null;
  runAt?: Date;
  maxAttempts?: number;
  jobKey?: string;
  priority?: number;
};

export type EnqueueResult = { id: string; created: boolean };

export const JOBS_CHANNEL = 'showroom_jobs';

export async function enqueue(db: Executor, input: EnqueueInput): Promise<EnqueueResult> {
  // A concurrent enqueue with the same key that commits while ours waits on the unique index leaves
  // our statement's snapshot unable to see the winner; the next statement does.
  for (let round = 0; round < 3; round++) {
    const row = await insertOnce(db, input);
    if (row) return row;
  }
  throw new Error(`enqueue: job key ${input.jobKey} conflicted but no pending job was found`);
}

async function insertOnce(db: Executor, input: EnqueueInput): Promise<EnqueueResult | undefined> {
  const id = uuidv7();
  const rows = await queryRows<{ id: string; created: boolean }>(
    db,
    sql`
    with ins as (
      insert into jobs (id, tenant_id, type, payload, run_at, max_attempts, job_key, priority)
      values (${id}, ${input.tenantId ?? null}, ${input.type}, ${JSON.stringify(input.payload ?? {})}::jsonb,
              coalesce(${input.runAt?.toISOString() ?? null}::timestamptz, now()),
              ${input.maxAttempts ?? 10}, ${input.jobKey ?? null}, ${input.priority ?? 0})
      on conflict (pending_key) where pending_key is not null do nothing
      returning id
    ), notified as (
      select pg_notify(${JOBS_CHANNEL}, '') from ins
    )
    select id, true as created from ins, (select count(*) from notified) n
    union all
    select id, false as created from jobs
      where ${input.jobKey ?? null}::text is not null and pending_key = ${input.jobKey ?? null}
        and not exists (select 1 from ins)
    `,
  );
  return rows[0];
}
