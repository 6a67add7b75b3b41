// Release: hand jobs this worker claimed but will not finish (unstarted in its local queue, or still
// running when shutdown's grace ran out) back to the queue. The attempt is given back: the job did
// not fail, we stopped it.
import { iso, type Runner } from './runner';

const RELEASE = `
update jobs set status = 'queued', attempts = greatest(attempts - 1, 0), locked_by = null, locked_at = null,
  updated_at = coalesce($2::timestamptz, now())
where id in (select jsonb_array_elements_text($3::jsonb)::uuid) and locked_by = $1 and status = 'running'
returning id`;

export async function releaseJobs(
  run: Runner,
  input: { workerId: string; now: Date | null; ids: string[] },
): Promise<number> {
  if (input.ids.length === 0) return 0;
  const rows = await run(RELEASE, [input.workerId, iso(input.now), JSON.stringify(input.ids)]);
  return rows.length;
}

const HEARTBEAT = `
update jobs set locked_at = coalesce($2::timestamptz, now())
where id in (select jsonb_array_elements_text($3::jsonb)::uuid) and locked_by = $1 and status = 'running'`;

/** Keeps the locks of live jobs fresh, so only a worker that stopped responding loses its jobs. */
export async function heartbeatJobs(
  run: Runner,
  input: { workerId: string; now: Date | null; ids: string[] },
): Promise<void> {
  if (input.ids.length === 0) return;
  await run(HEARTBEAT, [input.workerId, iso(input.now), JSON.stringify(input.ids)]);
}
