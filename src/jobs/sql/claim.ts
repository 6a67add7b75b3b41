// Claim: lock up to `limit` runnable jobs for one worker in one statement, and record them as one
// lease (see job_leases). SKIP LOCKED lets many workers claim concurrently without waiting on each
// other; the attempt is counted here, at claim time, so a worker that dies mid-task has still used
// the attempt (graphile-worker's get_jobs). The same statement drops leases the worker has finished.
// The claim commits without waiting for its WAL flush (synchronous_commit off for this transaction
// only): a claim lost in a database crash leaves its jobs queued, to run again — the at-least-once
// a crashed worker already gives. Outcomes (complete, fail) stay durable before they are reported.
import { uuidv7 } from 'uuidv7';
import { idArray, iso, type JobRow, type Runner } from './runner';

// `id = any(array(…))` keeps the update on primary-key lookups; a join against the CTE lets the
// planner hash the whole table instead. `ready` is the generated "queued or failed" column the
// partial claim index is defined on.
export const CLAIM_SQL = `
with claimed as (
  update jobs set status = 'running', attempts = attempts + 1, locked_by = $1,
    locked_at = coalesce($2::timestamptz, now()), updated_at = coalesce($2::timestamptz, now())
  where id = any(array(
    select id from jobs
    where ready and run_at <= coalesce($2::timestamptz, now())
    order by priority, run_at, id
    limit $3
    for update skip locked
  ))
  returning id, tenant_id as "tenantId", type, payload, priority, attempts, max_attempts as "maxAttempts",
    run_at as "runAt", job_key as "jobKey", locked_at as "lockedAt", progress, progress_message as "progressMessage",
    last_error as "lastError", created_at as "createdAt"
), leased as (
  insert into job_leases (id, worker_id, job_ids, heartbeat_at)
  select $4::uuid, $1, array_agg(id), coalesce($2::timestamptz, now()) from claimed having count(*) > 0
), dropped as (
  delete from job_leases where id = any($5::uuid[]) and worker_id = $1
), async_commit as (
  select set_config('synchronous_commit', 'off', true)
)
select claimed.* from claimed, async_commit`;

type ClaimedRow = Omit<
  JobRow,
  'status' | 'lockedBy' | 'updatedAt' | 'completedAt' | 'result' | 'ready' | 'pendingKey'
> & {
  lockedAt: Date;
};

export async function claimJobs(
  run: Runner,
  input: { workerId: string; now: Date | null; limit: number; leaseId?: string; finishedLeases?: string[] },
): Promise<JobRow[]> {
  if (input.limit <= 0) return [];
  // Only what differs between claimed jobs travels back; the rest is what the claim just wrote (a
  // claimable job has neither a result nor a completion time).
  const rows = await run<ClaimedRow>(CLAIM_SQL, [
    input.workerId,
    iso(input.now),
    input.limit,
    input.leaseId ?? uuidv7(),
    idArray(input.finishedLeases ?? []),
  ]);
  const jobs: JobRow[] = rows.map((r) => ({
    ...r,
    status: 'running',
    lockedBy: input.workerId,
    updatedAt: r.lockedAt,
    completedAt: null,
    result: null,
    ready: false,
    pendingKey: r.jobKey,
  }));
  // The UPDATE returns rows in physical order; run them in the order they were chosen.
  return jobs.sort(
    (a, b) => a.priority - b.priority || a.runAt.getTime() - b.runAt.getTime() || (a.id < b.id ? -1 : 1),
  );
}
