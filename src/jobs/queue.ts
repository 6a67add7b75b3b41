// Enqueue: usable inside a caller's transaction, so an event row and its jobs commit together.
// A job key names at most one pending job (`pending_key` is the job key while the job is queued,
// running or failed; a unique index holds it). A second enqueue with the key joins a job that has not
// started (its payload and run_at stay as they are); a running job may already have read the data the
// new enqueue is about, so the key moves on to a new job instead (graphile-worker's add_job).
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { type Executor, queryRows } from '../db/client';

export type EnqueueInput = {
  type: string;
  payload?: Record<string, unknown>;
  tenantId?: string | null;
  runAt?: Date;
  /** Defaults to the task's own maxAttempts (see defineTask), else the queue's default. */
  maxAttempts?: number;
  jobKey?: string;
  priority?: number;
};

export type EnqueueResult = { id: string; created: boolean };

export const JOBS_CHANNEL = 'showroom_jobs';
export const DEFAULT_MAX_ATTEMPTS = 10;

// The task list imports services that enqueue (and so import this module): it is loaded on first
// use, not at import time, so neither module is ever evaluated half-way through the other.
let taskLimits: Promise<Map<string, number>> | undefined;

/** The task's own attempt limit for a job type, when the task defines one. */
export async function taskMaxAttempts(type: string): Promise<number | undefined> {
  taskLimits ??= import('./tasks').then(
    ({ tasks }) => new Map(tasks.flatMap((t) => (t.maxAttempts ? [[t.type, t.maxAttempts] as const] : []))),
  );
  return (await taskLimits).get(type);
}

export async function enqueue(db: Executor, input: EnqueueInput): Promise<EnqueueResult> {
  const maxAttempts = input.maxAttempts ?? (await taskMaxAttempts(input.type)) ?? DEFAULT_MAX_ATTEMPTS;
  // A job that becomes running between reading and locking it (a claim, or a concurrent enqueue's
  // job that was claimed before this statement saw it) is not joined: the next round detaches it.
  for (let round = 0; round < 3; round++) {
    const row = await insertOnce(db, input, maxAttempts);
    if (row) return row;
  }
  throw new Error(`enqueue: job key ${input.jobKey} stayed held by a running job`);
}

async function insertOnce(db: Executor, input: EnqueueInput, maxAttempts: number): Promise<EnqueueResult | undefined> {
  const id = uuidv7();
  const key = input.jobKey ?? null;
  // `detached`: a running job holding the key lets go of it, and will not be retried (its attempts are
  // used up): the new job does its work. It runs to completion before the insert (the insert reads
  // its count), so the unique index no longer sees the running job. ON CONFLICT DO UPDATE (a no-op
  // update) locks the queued or failed job holding the key until the caller commits, so no worker
  // claims it (SKIP LOCKED) before the caller's changes are visible; a running holder returns nothing.
  const rows = await queryRows<{ id: string; created: boolean }>(
    db,
    sql`
    with detached as (
      update jobs set job_key = null, attempts = greatest(attempts, max_attempts), updated_at = now()
      where pending_key = ${key}::text and status = 'running'
      returning 1
    ), ins as (
      insert into jobs (id, tenant_id, type, payload, run_at, max_attempts, job_key, priority)
      select ${id}::uuid, ${input.tenantId ?? null}::uuid, ${input.type}::text,
             ${JSON.stringify(input.payload ?? {})}::jsonb,
             coalesce(${input.runAt?.toISOString() ?? null}::timestamptz, now()),
             ${maxAttempts}::int, ${key}::text, ${input.priority ?? 0}::smallint
      from (select count(*) from detached) d
      on conflict (pending_key) where pending_key is not null
        do update set updated_at = jobs.updated_at where jobs.status <> 'running'
      returning id, id = ${id}::uuid as created
    ), notified as (
      select pg_notify(${JOBS_CHANNEL}, '') from ins where created
    )
    select id, created from ins, (select count(*) from notified) n
    `,
  );
  return rows[0];
}
