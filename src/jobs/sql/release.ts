// Release: hand jobs this worker claimed but will not finish (unstarted in its local queue, or still
// running when shutdown's grace ran out) back to the queue. The attempt is given back: the job did
// not fail, we stopped it. Leases: the worker keeps its claims alive and drops finished ones.
import { idArray, iso, type Runner } from './runner';

const RELEASE = `
update jobs set status = 'queued', attempts = greatest(attempts - 1, 0), locked_by = null, locked_at = null,
  updated_at = coalesce($2::timestamptz, now())
where id = any($3::uuid[]) and locked_by = $1 and status = 'running'
returning id`;

export async function releaseJobs(
  run: Runner,
  input: { workerId: string; now: Date | null; ids: string[] },
): Promise<number> {
  if (input.ids.length === 0) return 0;
  const rows = await run(RELEASE, [input.workerId, iso(input.now), idArray(input.ids)]);
  return rows.length;
}

const HEARTBEAT = `
with dropped as (
  delete from job_leases where id = any($3::uuid[]) and worker_id = $1
)
update job_leases set heartbeat_at = coalesce($2::timestamptz, now())
where worker_id = $1 and not (id = any($3::uuid[]))`;

/** Keeps this worker's leases fresh, so only a worker that stopped responding loses its jobs. */
export async function heartbeatLeases(
  run: Runner,
  input: { workerId: string; now: Date | null; finishedLeases: string[] },
): Promise<void> {
  await run(HEARTBEAT, [input.workerId, iso(input.now), idArray(input.finishedLeases)]);
}

/** Drops leases whose jobs all have their outcome written (or every lease of the worker: `all`). */
export async function dropLeases(
  run: Runner,
  input: { workerId: string; ids: string[] } | { workerId: string; all: true },
): Promise<void> {
  if ('all' in input) {
    await run('delete from job_leases where worker_id = $1', [input.workerId]);
    return;
  }
  if (input.ids.length === 0) return;
  await run('delete from job_leases where id = any($2::uuid[]) and worker_id = $1', [
    input.workerId,
    idArray(input.ids),
  ]);
}
