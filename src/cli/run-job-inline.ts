// Runs one queued job in this process, for operator tools that should not wait for a worker. The job is
// claimed under a lease like the worker's (so a worker never runs it at the same time, and if this
// process dies the stale-lease sweep hands the job back), progress goes to the job row (SSE followers see
// it), and the outcome is written by the queue's own complete/fail operations (same backoff, same rules).
import { uuidv7 } from 'uuidv7';
import type { Job } from '../../drizzle/schema';
import { isFinalAttempt, PermanentJobError, RetryLaterError, type TaskDefinition } from '../jobs/registry';
import { completeJobs } from '../jobs/sql/complete';
import { failJobs } from '../jobs/sql/fail';
import { recordProgress } from '../jobs/sql/progress';
import { dropLeases, heartbeatLeases } from '../jobs/sql/release';
import { createRunner } from '../jobs/sql/runner';
import type { Deps } from '../lib/deps';

export type InlineOutcome =
  | { claimed: false; job: Pick<Job, 'id' | 'status'> | null }
  | { claimed: true; result: unknown };

// One specific job (whatever its run_at: the operator asked for it now), with its lease, in one statement.
const CLAIM_ONE = `
with claimed as (
  update jobs set status = 'running', attempts = attempts + 1, locked_by = $1, locked_at = now(), updated_at = now()
  where id = $2 and type = $3 and status in ('queued', 'failed') and attempts < max_attempts
  returning *
), leased as (
  insert into job_leases (id, worker_id, job_ids, heartbeat_at)
  select $4::uuid, $1, array_agg(id), now() from claimed having count(*) > 0
)
select id, tenant_id as "tenantId", type, payload, status, priority, attempts, max_attempts as "maxAttempts",
  run_at as "runAt", job_key as "jobKey", locked_by as "lockedBy", locked_at as "lockedAt", progress,
  progress_message as "progressMessage", last_error as "lastError", result, completed_at as "completedAt",
  created_at as "createdAt", updated_at as "updatedAt", ready, pending_key as "pendingKey"
from claimed`;

export async function runJobInline<P>(
  deps: Deps,
  jobId: string,
  task: TaskDefinition<P>,
  onProgress: (percent: number, message?: string) => void = () => {},
): Promise<InlineOutcome> {
  const workerId = `cli:${process.pid}:${uuidv7().slice(-8)}`;
  const run = createRunner(deps.database);
  const [job] = await run<Job>(CLAIM_ONE, [workerId, jobId, task.type, uuidv7()]);
  if (!job) {
    const [current] = await run<Pick<Job, 'id' | 'status'>>('select id, status from jobs where id = $1', [jobId]);
    return { claimed: false, job: current ?? null };
  }
  try {
    const result = await task.run(task.payload.parse(job.payload), {
      deps,
      job,
      log: deps.log.child({ jobId, jobType: task.type }),
      signal: new AbortController().signal,
      finalAttempt: isFinalAttempt(job, task),
      async progress(percent, message) {
        onProgress(percent, message);
        await recordProgress(run, { workerId, id: jobId, percent, message: message ?? null, now: null });
        await heartbeatLeases(run, { workerId, now: null, finishedLeases: [] });
      },
    });
    await completeJobs(run, { workerId, now: null, jobs: [{ id: jobId, result }] });
    return { claimed: true, result };
  } catch (err) {
    await failJobs(run, {
      workerId,
      now: null,
      jobs: [
        {
          id: jobId,
          error: err instanceof Error ? err.message : String(err),
          permanent: err instanceof PermanentJobError,
          delayMs: err instanceof RetryLaterError ? err.retryAfterMs : null,
        },
      ],
    });
    throw err;
  } finally {
    await dropLeases(run, { workerId, all: true });
  }
}
