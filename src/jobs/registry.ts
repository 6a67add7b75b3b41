// The typed task registry: each job type names a zod payload schema and an idempotent run function.
import type { z } from 'zod';
import type { Job } from '../../drizzle/schema';
import type { Deps } from '../lib/deps';
import type { Logger } from '../lib/logger';

export type TaskContext = {
  deps: Deps;
  job: Job;
  log: Logger;
  /** Aborted when the worker shuts down and the task should stop early (it will be released, not lost). */
  signal: AbortSignal;
  /** Records progress (0–100) and an optional message; visible in the job and its SSE stream. */
  progress(percent: number, message?: string): Promise<void>;
  /** This attempt is the last: a failure now makes the job dead (see isFinalAttempt). */
  finalAttempt: boolean;
};

export type TaskDefinition<P = unknown> = {
  type: string;
  payload: z.ZodType<P>;
  /** Attempts before the job is dead; defaults to the queue's default. */
  maxAttempts?: number;
  /** Returns the job's result (stored as JSON). Throw PermanentJobError to fail without retrying. */
  run(payload: P, ctx: TaskContext): Promise<unknown>;
};

export function defineTask<P>(definition: TaskDefinition<P>): TaskDefinition<P> {
  return definition;
}

/** A failure that retrying cannot fix (bad payload, invalid credentials, unknown target). */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** A transient failure with a provider-given delay (e.g. 429 with Retry-After). */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RetryLaterError';
  }
}

export type TaskRegistry = Map<string, TaskDefinition<unknown>>;

// Each task has its own payload type; `any` lets one list hold them all (run's parameter is contravariant).
// biome-ignore lint/suspicious/noExplicitAny: see above
export function createRegistry(tasks: TaskDefinition<any>[]): TaskRegistry {
  const registry: TaskRegistry = new Map();
  for (const task of tasks) {
    if (registry.has(task.type)) throw new Error(`Duplicate task type: ${task.type}`);
    registry.set(task.type, task as TaskDefinition<unknown>);
  }
  return registry;
}

/** The queue gives up at the lower of the row's max_attempts and the task's own limit. */
export function isFinalAttempt(job: Pick<Job, 'attempts' | 'maxAttempts'>, task?: Pick<TaskDefinition, 'maxAttempts'>) {
  return job.attempts >= Math.min(job.maxAttempts, task?.maxAttempts ?? job.maxAttempts);
}
