// Retry: a dead, failed or cancelled job gets a fresh set of attempts and runs now. Succeeded and
// running jobs are not retried (that would repeat an effect). A job key held by another pending job
// makes the retry a conflict rather than a second pending copy.
import { and, inArray, sql } from 'drizzle-orm';
import { jobs } from '../../../drizzle/schema';
import type { Executor } from '../../db/client';
import { isUniqueViolation } from '../../lib/errors';
import { JOBS_CHANNEL } from '../queue';
import { type AdminJobOutcome, ownedBy } from './cancel';

export async function retryJob(
  db: Executor,
  input: { id: string; tenantId?: string | null; now: Date },
): Promise<AdminJobOutcome | { ok: false; reason: 'conflict' }> {
  try {
    const [job] = await db
      .update(jobs)
      .set({
        status: 'queued',
        attempts: 0,
        runAt: input.now,
        progress: 0,
        progressMessage: null,
        completedAt: null,
        lockedBy: null,
        lockedAt: null,
        updatedAt: input.now,
      })
      .where(and(ownedBy(input.id, input.tenantId), inArray(jobs.status, ['dead', 'failed', 'cancelled'])))
      .returning();
    if (job) {
      await db.execute(sql`select pg_notify(${JOBS_CHANNEL}, '')`);
      return { ok: true, job };
    }
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, reason: 'conflict' };
    throw err;
  }
  const [exists] = await db.select({ id: jobs.id }).from(jobs).where(ownedBy(input.id, input.tenantId));
  return { ok: false, reason: exists ? 'invalid_transition' : 'not_found' };
}
