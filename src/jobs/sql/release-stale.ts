// Sweep: jobs whose lock is older than the timeout belong to a worker that crashed or hung (live
// workers refresh their locks). They go back to the queue as `failed` — the attempt counted at
// claim stays used — or to `dead` if that was their last attempt.
import { iso, type Runner } from './runner';

const RELEASE_STALE = `
update jobs set
  status = (case when attempts >= max_attempts then 'dead' else 'failed' end)::job_status,
  completed_at = case when attempts >= max_attempts then coalesce($1::timestamptz, now()) end,
  last_error = 'Lock timed out: the worker running this job (' || locked_by || ') stopped responding',
  locked_by = null, locked_at = null, updated_at = coalesce($1::timestamptz, now())
where status = 'running' and locked_at < coalesce($1::timestamptz, now()) - $2::float8 * interval '1 millisecond'
returning id, tenant_id as "tenantId", status`;

export async function releaseStaleJobs(
  run: Runner,
  input: { now: Date | null; lockTimeoutMs: number },
): Promise<{ id: string; tenantId: string | null; status: 'failed' | 'dead' }[]> {
  return run(RELEASE_STALE, [iso(input.now), input.lockTimeoutMs]);
}
