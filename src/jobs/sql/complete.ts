// Complete: mark a batch of jobs succeeded with their results, but only those this worker still
// holds; a job whose lock was swept and handed to another worker is no longer ours to finish.
import { idArray, iso, type Runner } from './runner';

const SET_SUCCEEDED = `status = 'succeeded', progress = 100, completed_at = coalesce($2::timestamptz, now()),
  locked_by = null, locked_at = null, updated_at = coalesce($2::timestamptz, now())`;

const COMPLETE = `
update jobs set ${SET_SUCCEEDED}, result = r.result
from jsonb_to_recordset($3::jsonb) as r(id uuid, result jsonb)
where jobs.id = r.id and jobs.locked_by = $1 and jobs.status = 'running'
returning jobs.id, jobs.tenant_id as "tenantId"`;

// Most tasks return nothing: their batch travels as a uuid[], with no JSON to build or parse.
const COMPLETE_NO_RESULTS = `
update jobs set ${SET_SUCCEEDED}, result = null
where id = any($3::uuid[]) and locked_by = $1 and status = 'running'
returning id, tenant_id as "tenantId"`;

export type Completion = { id: string; result: unknown };

export async function completeJobs(
  run: Runner,
  input: { workerId: string; now: Date | null; jobs: Completion[] },
): Promise<{ id: string; tenantId: string | null }[]> {
  if (input.jobs.length === 0) return [];
  if (input.jobs.every((j) => j.result === undefined || j.result === null)) {
    return run(COMPLETE_NO_RESULTS, [input.workerId, iso(input.now), idArray(input.jobs.map((j) => j.id))]);
  }
  const batch = input.jobs.map((j) => ({ id: j.id, result: j.result === undefined ? null : j.result }));
  return run(COMPLETE, [input.workerId, iso(input.now), JSON.stringify(batch)]);
}
