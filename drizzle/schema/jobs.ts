// The jobs table: graphile-worker's design at our size (see src/jobs and its README for the life cycle).
// Statuses: queued (waiting for its first run, or retried by hand) → running (locked by one worker) →
// succeeded | failed (an attempt failed; it runs again at run_at after backoff) | dead (attempts
// exhausted or a permanent error; kept for inspection and manual retry) | cancelled.
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgTable, smallint, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
  },
  (t) => [
    index('jobs_claim_idx').on(t.priority, t.runAt, t.id).where(sql`${t.status} in ('queued', 'failed')`),
    index('jobs_locked_idx').on(t.lockedAt).where(sql`${t.status} = 'running'`),
    uniqueIndex('jobs_pending_key')
      .on(t.jobKey)
      .where(sql`${t.jobKey} is not null and ${t.status} in ('queued', 'running', 'failed')`),
    index('jobs_tenant_created_idx').on(t.tenantId, t.createdAt),
  ],
);

export type Job = typeof jobs.$inferSelect;
export type JobStatus = (typeof jobStatus.enumValues)[number];
