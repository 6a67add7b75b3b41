// Running one claimed job: validate its payload, call its task with a TaskContext, and turn the
// outcome into a completion or a (permanent or retryable) failure for the worker's batched writes.
import { DrizzleQueryError } from 'drizzle-orm';
import type { Deps } from '../lib/deps';
import type { Logger } from '../lib/logger';
import type { Batcher } from './batcher';
import {
  isFinalAttempt,
  PermanentJobError,
  RetryLaterError,
  type TaskContext,
  type TaskDefinition,
  type TaskRegistry,
} from './registry';
import type { Completion } from './sql/complete';
import type { Failure } from './sql/fail';
import { recordProgress } from './sql/progress';
import type { JobRow, Runner } from './sql/runner';

export type JobExecutorOptions = {
  deps: Deps;
  registry: TaskRegistry;
  run: Runner;
  log: Logger;
  workerId: string;
  /** The `now` passed to SQL: null means the database's now() (see sql/runner.ts). */
  dbNow: () => Date | null;
  /** Aborted when the worker gives up waiting for running tasks at shutdown. */
  signal: AbortSignal;
  completer: Pick<Batcher<Completion>, 'add'>;
  failer: Pick<Batcher<Failure>, 'add'>;
};

/** Returns `execute(job)`, which never rejects: every outcome goes to the completer or the failer. */
export function createJobExecutor(options: JobExecutorOptions): (job: JobRow) => Promise<void> {
  const { deps, registry, run, log, workerId, dbNow, completer, failer } = options;

  function context(job: JobRow, task: TaskDefinition<unknown>): TaskContext {
    let child: TaskContext['log'] | undefined;
    return {
      deps,
      job,
      signal: options.signal,
      finalAttempt: isFinalAttempt(job, task),
      // Lazy, so jobs that never log don't pay for a child logger.
      get log() {
        child ??= log.child({ jobId: job.id, type: job.type });
        return child;
      },
      async progress(percent, message) {
        const now = dbNow();
        // False when the job is no longer ours (swept or cancelled): nothing changed, nothing to publish.
        if (await recordProgress(run, { workerId, id: job.id, percent, message: message ?? null, now })) {
          deps.bus.publish({ kind: 'job.updated', jobId: job.id, tenantId: job.tenantId });
        }
      },
    };
  }

  return async function execute(job: JobRow): Promise<void> {
    const task = registry.get(job.type);
    try {
      if (!task) throw new PermanentJobError(`No task is registered for job type "${job.type}"`);
      const parsed = task.payload.safeParse(job.payload);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
        throw new PermanentJobError(`Invalid payload for ${job.type}: ${issues.join('; ')}`);
      }
      const result = await task.run(parsed.data, context(job, task));
      completer.add({ id: job.id, result });
    } catch (err) {
      const error = storedError(err);
      // The row's max_attempts comes from whoever enqueued it; the task's own limit caps it as well.
      const permanent = err instanceof PermanentJobError || isFinalAttempt(job, task);
      const delayMs = err instanceof RetryLaterError ? err.retryAfterMs : null;
      log.warn('job attempt failed', {
        jobId: job.id,
        type: job.type,
        attempt: job.attempts,
        error: err,
        permanent,
      });
      failer.add({ id: job.id, error, permanent, delayMs });
    }
  };
}

/**
 * The error text a job row keeps, which tenant admins read (GET /api/admin/jobs/:id): a failed query is
 * named by its database message only, never its SQL or parameters (drizzle puts both in its message: the
 * contract forbids SQL text, and the parameters hold personal data). The whole error goes to the log.
 */
export function storedError(err: unknown): string {
  if (err instanceof DrizzleQueryError) {
    const cause = err.cause instanceof Error ? err.cause.message : 'the query failed';
    return `Database error: ${cause}`.slice(0, 1000);
  }
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  // Anything else that carries a failed query along (wrapped, or as text) is cut before it.
  const at = text.indexOf('Failed query:');
  return (at < 0 ? text : `${text.slice(0, at)}Database error`).slice(0, 1000);
}
