// Fail: record a failed attempt. The job waits `base × exp(least(attempts, maxExponent))` seconds
// (a provider's Retry-After wins) as `failed`, or becomes `dead` once attempts reach max_attempts or
// the error is permanent. Only jobs this worker still holds are touched.
import { iso, type Runner } from './runner';

export type Backoff = { baseSeconds: number; maxExponent: number };
export const defaultBackoff: Backoff = { baseSeconds: 1, maxExponent: 10 };

/** SQL for the wait before a failed attempt is retried; the stale-lock sweep uses it too. */
export const backoffDelay = (base: string, maxExponent: string) =>
  `${base}::float8 * exp(least(jobs.attempts, ${maxExponent}::int)::float8) * interval '1 second'`;

const FAIL = `
update jobs set
  status = (case when r.permanent or jobs.attempts >= jobs.max_attempts then 'dead' else 'failed' end)::job_status,
  run_at = case when r.permanent or jobs.attempts >= jobs.max_attempts then jobs.run_at
    else coalesce($2::timestamptz, now()) + coalesce(r.delay_ms * interval '1 millisecond', ${backoffDelay('$3', '$4')}) end,
  completed_at = case when r.permanent or jobs.attempts >= jobs.max_attempts then coalesce($2::timestamptz, now()) end,
  last_error = r.error, locked_by = null, locked_at = null, updated_at = coalesce($2::timestamptz, now())
from jsonb_to_recordset($5::jsonb) as r(id uuid, error text, permanent boolean, delay_ms float8)
where jobs.id = r.id and jobs.locked_by = $1 and jobs.status = 'running'
returning jobs.id, jobs.tenant_id as "tenantId", jobs.status, jobs.attempts, jobs.run_at as "runAt"`;

export type Failure = { id: string; error: string; permanent: boolean; delayMs?: number | null };

export async function failJobs(
  run: Runner,
  input: { workerId: string; now: Date | null; jobs: Failure[]; backoff?: Backoff },
): Promise<{ id: string; tenantId: string | null; status: 'failed' | 'dead'; attempts: number; runAt: Date }[]> {
  if (input.jobs.length === 0) return [];
  const backoff = input.backoff ?? defaultBackoff;
  const batch = input.jobs.map((j) => ({
    id: j.id,
    error: j.error.slice(0, 4000),
    permanent: j.permanent,
    delay_ms: j.delayMs ?? null,
  }));
  return run(FAIL, [input.workerId, iso(input.now), backoff.baseSeconds, backoff.maxExponent, JSON.stringify(batch)]);
}
