// Runs one queued job in this process, for operator tools that should not wait for a worker: the job is
// claimed the way the worker claims (so a worker never runs it at the same time), its progress is written
// to the job row (so SSE followers see it), and success or failure is recorded with the queue's backoff.
import { sql } from 'drizzle-orm';
import type { Job } from '../../drizzle/schema';
import { queryRows } from '../db/client';
import { PermanentJobError, type TaskDefinition } from '../jobs/registry';
import type { Deps } from '../lib/deps';

export type InlineOutcome =
  | { claimed: false; job: Pick<Job, 'id' | 'status'> | null }
  | { claimed: true; result: unknown };

export async function runJobInline<P>(
  deps: Deps,
  jobId: string,
  task: TaskDefinition<P>,
  onProgress: (percent: number, message?: string) => void = () => {},
): Promise<InlineOutcome> {
  const lockedBy = `cli:${process.pid}`;
  const [claimed] = await queryRows<{ id: string }>(
    deps.db,
    sql`update jobs set status = 'running', locked_by = ${lockedBy}, locked_at = now(), attempts = attempts + 1,
          updated_at = now()
        where id = ${jobId} and type = ${task.type} and status in ('queued', 'failed') and attempts < max_attempts
        returning id`,
  );
  if (!claimed) {
    const [job] = await queryRows<Pick<Job, 'id' | 'status'>>(
      deps.db,
      sql`select id, status from jobs where id = ${jobId}`,
    );
    return { claimed: false, job: job ?? null };
  }
  const [job] = await queryRows<Record<string, unknown>>(deps.db, sql`select * from jobs where id = ${jobId}`);
  const row = job as unknown as Job;
  try {
    const result = await task.run(task.payload.parse(row.payload), {
      deps,
      job: row,
      log: deps.log.child({ jobId, jobType: task.type }),
      signal: new AbortController().signal,
      async progress(percent, message) {
        onProgress(percent, message);
        await deps.db.execute(
          sql`update jobs set progress = ${Math.round(percent)}, progress_message = ${message ?? null}, updated_at = now()
              where id = ${jobId} and locked_by = ${lockedBy}`,
        );
      },
    });
    await deps.db.execute(
      sql`update jobs set status = 'succeeded', progress = 100, result = ${JSON.stringify(result ?? null)}::jsonb,
            completed_at = now(), locked_by = null, locked_at = null, last_error = null, updated_at = now()
          where id = ${jobId} and locked_by = ${lockedBy}`,
    );
    return { claimed: true, result };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const permanent = err instanceof PermanentJobError;
    // Same backoff as the worker: e^min(attempts, 10) seconds; a permanent error or the last attempt is dead.
    await deps.db.execute(
      sql`update jobs set
            status = case when ${permanent} or attempts >= max_attempts then 'dead'::job_status else 'failed'::job_status end,
            last_error = ${message.slice(0, 2000)},
            run_at = now() + make_interval(secs => exp(least(attempts, 10))),
            locked_by = null, locked_at = null, updated_at = now()
          where id = ${jobId} and locked_by = ${lockedBy}`,
    );
    throw err;
  }
}
