// Sweep: a lease not refreshed within the lock timeout belongs to a worker that crashed or hung (live
// workers refresh theirs). Its jobs still running under that worker count as a failed attempt — the
// attempt counted at claim stays used — with the failure path's rules (sql/fail.ts): `failed` until
// run_at after the same backoff, so a job whose run takes its worker down is not reclaimed at once by
// one worker after another, or `dead` if that was its last attempt. Jobs the worker finished, or that
// another worker holds now, are left alone.
import { type Backoff, backoffDelay, defaultBackoff } from './fail';
import { iso, type Runner } from './runner';

const RELEASE_STALE = `
with stale as (
  delete from job_leases where heartbeat_at < coalesce($1::timestamptz, now()) - $2::float8 * interval '1 millisecond'
  returning worker_id, job_ids
), held as (
  select distinct worker_id, unnest(job_ids) as id from stale
)
update jobs set
  status = (case when attempts >= max_attempts then 'dead' else 'failed' end)::job_status,
  run_at = case when attempts >= max_attempts then run_at
    else coalesce($1::timestamptz, now()) + ${backoffDelay('$3', '$4')} end,
  completed_at = case when attempts >= max_attempts then coalesce($1::timestamptz, now()) end,
  last_error = 'Lock timed out: the worker running this job (' || locked_by || ') stopped responding',
  locked_by = null, locked_at = null, updated_at = coalesce($1::timestamptz, now())
from held
where jobs.id = held.id and jobs.locked_by = held.worker_id and jobs.status = 'running'
returning jobs.id, jobs.tenant_id as "tenantId", jobs.status`;

export async function releaseStaleJobs(
  run: Runner,
  input: { now: Date | null; lockTimeoutMs: number; backoff?: Backoff },
): Promise<{ id: string; tenantId: string | null; status: 'failed' | 'dead' }[]> {
  const backoff = input.backoff ?? defaultBackoff;
  return run(RELEASE_STALE, [iso(input.now), input.lockTimeoutMs, backoff.baseSeconds, backoff.maxExponent]);
}
