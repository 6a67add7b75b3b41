// The contract's shape of a job (CONTRACT §6): internal columns (payload, lock, key) stay inside.
import type { Job } from '../../drizzle/schema';

export function jobView(job: Job) {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    runAt: job.runAt.toISOString(),
    progress: job.progress,
    progressMessage: job.progressMessage,
    lastError: job.lastError,
    result: job.result ?? null,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}

export type JobView = ReturnType<typeof jobView>;

/** Statuses after which nothing happens to a job unless someone retries it. */
export const terminalStatuses = new Set<Job['status']>(['succeeded', 'dead', 'cancelled']);
