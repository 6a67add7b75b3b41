// Claim: lock up to `limit` runnable jobs for one worker in one statement. SKIP LOCKED lets many
// workers claim concurrently without waiting on each other; the attempt is counted here, at claim
// time, so a worker that dies mid-task has still used the attempt (graphile-worker's get_jobs).
import { iso, type JobRow, jobColumns, type Runner } from './runner';

// `id = any(array(…))` keeps the update on primary-key lookups; a join against the CTE lets the
// planner hash the whole table instead.
const CLAIM = `
update jobs set status = 'running', attempts = attempts + 1, locked_by = $1, locked_at = coalesce($2::timestamptz, now()),
  updated_at = coalesce($2::timestamptz, now())
where id = any(array(
  select id from jobs
  where status in ('queued', 'failed') and run_at <= coalesce($2::timestamptz, now())
  order by priority, run_at, id
  limit $3
  for update skip locked
))
returning ${jobColumns()}`;

export async function claimJobs(
  run: Runner,
  input: { workerId: string; now: Date | null; limit: number },
): Promise<JobRow[]> {
  if (input.limit <= 0) return [];
  const rows = await run<JobRow>(CLAIM, [input.workerId, iso(input.now), input.limit]);
  // The UPDATE returns rows in physical order; run them in the order they were chosen.
  return rows.sort(
    (a, b) => a.priority - b.priority || a.runAt.getTime() - b.runAt.getTime() || (a.id < b.id ? -1 : 1),
  );
}
