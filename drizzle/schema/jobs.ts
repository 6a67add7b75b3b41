// The jobs table: graphile-worker's design at our size (see src/jobs and its README for the life cycle).
// Statuses: queued (waiting for its first run, or retried by hand) → running (locked by one worker) →
// succeeded | failed (an attempt failed; it runs again at run_at after backoff) | dead (attempts
// exhausted or a permanent error; kept for inspection and manual retry) | cancelled.
// Finished jobs stay as rows, so completion is an UPDATE; it is a HOT update (no index entries, the
// new version on the same page) because no index reads a column it changes: the claim and job-key
// indexes read generated columns that completion leaves as they were, locks live in job_leases rather
// than in an index over running jobs, and the table keeps 55% of each page free (migration 0011).
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns';
import { tenants } from './tenants';

export const jobStatus = pgEnum('job_status', ['queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled']);

export const jobs = pgTable(
  'jobs',
  {
    id: id(),
    /** Null for platform-level jobs that are not (yet) owned by a tenant. */
    tenantId: uuid().references(() => tenants.id, { onDelete: 'cascade' }),
    type: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    status: jobStatus().notNull().default('queued'),
    priority: smallint().notNull().default(0),
    attempts: integer().notNull().default(0),
    maxAttempts: integer().notNull().default(10),
    runAt: tstz().notNull().defaultNow(),
    /** A pending job with the same key is not enqueued twice. */
    jobKey: text(),
    lockedBy: text(),
    lockedAt: tstz(),
    progress: smallint().notNull().default(0),
    progressMessage: text(),
    lastError: text(),
    result: jsonb(),
    completedAt: tstz(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Claimable (queued or failed): false both while running and once finished. */
    ready: boolean().generatedAlwaysAs(sql`status in ('queued', 'failed')`),
    /** The job key while the job is pending (queued, running, failed); null after, or without a key. */
    pendingKey: text().generatedAlwaysAs(sql`case when status in ('queued', 'running', 'failed') then job_key end`),
  },
  (t) => [
    index('jobs_claim_idx').on(t.priority, t.runAt, t.id).where(sql`${t.ready}`),
    uniqueIndex('jobs_pending_key').on(t.pendingKey).where(sql`${t.pendingKey} is not null`),
    index('jobs_tenant_created_idx').on(t.tenantId, t.createdAt),
  ],
);

/**
 * One row per batch a worker claimed: the worker refreshes its leases while it lives, and a lease
 * older than the lock timeout hands its jobs that are still running back to the queue. A worker
 * deletes a lease once every job in it has its outcome written.
 */
export const jobLeases = pgTable('job_leases', {
  id: uuid().primaryKey(),
  workerId: text().notNull(),
  jobIds: uuid().array().notNull(),
  heartbeatAt: tstz().notNull().defaultNow(),
});

export type Job = typeof jobs.$inferSelect;
export type JobStatus = (typeof jobStatus.enumValues)[number];
