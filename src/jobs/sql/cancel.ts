// Cancel: a job that has not started (queued, or failed and waiting to retry) will not run. A
// running job cannot be cancelled safely (its effect may be half-done); it finishes or fails.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Job, jobs } from '../../../drizzle/schema';
import type { Executor } from '../../db/client';

export type AdminJobOutcome = { ok: true; job: Job } | { ok: false; reason: 'not_found' | 'invalid_transition' };

/** `tenantId: undefined` reaches any job (platform operators); a string or null scopes to that owner. */
export function ownedBy(id: string, tenantId: string | null | undefined) {
  if (tenantId === undefined) return eq(jobs.id, id);
  return and(eq(jobs.id, id), tenantId === null ? sql`${jobs.tenantId} is null` : eq(jobs.tenantId, tenantId));
}

export async function cancelJob(
  db: Executor,
  input: { id: string; tenantId?: string | null; now: Date },
): Promise<AdminJobOutcome> {
  const [job] = await db
    .update(jobs)
    .set({
      status: 'cancelled',
      completedAt: input.now,
      lockedBy: null,
      lockedAt: null,
      updatedAt: input.now,
    })
    .where(and(ownedBy(input.id, input.tenantId), inArray(jobs.status, ['queued', 'failed'])))
    .returning();
  if (job) return { ok: true, job };
  const [exists] = await db.select({ id: jobs.id }).from(jobs).where(ownedBy(input.id, input.tenantId));
  return { ok: false, reason: exists ? 'invalid_transition' : 'not_found' };
}
