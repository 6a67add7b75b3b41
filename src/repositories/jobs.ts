// Tenant-scoped reads of jobs for the admin API; platform operators read any job by id.
import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import { type Job, type JobStatus, jobs } from '../../drizzle/schema';
import type { Executor } from '../db/client';

export type JobFilters = { status?: JobStatus; type?: string };

export async function listJobs({
  db,
  tenantId,
  filters = {},
  page,
  limit,
}: {
  db: Executor;
  tenantId: string;
  filters?: JobFilters;
  page: number;
  limit: number;
}): Promise<{ rows: Job[]; total: number }> {
  const where: SQL[] = [eq(jobs.tenantId, tenantId)];
  if (filters.status) where.push(eq(jobs.status, filters.status));
  if (filters.type) where.push(eq(jobs.type, filters.type));
  const condition = and(...where);
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(jobs)
      .where(condition)
      .orderBy(desc(jobs.createdAt), desc(jobs.id))
      .limit(limit)
      .offset((page - 1) * limit),
    db.select({ total: count() }).from(jobs).where(condition),
  ]);
  return { rows, total: Number(totals[0]?.total ?? 0) };
}

export async function findJob({
  db,
  tenantId,
  id,
}: {
  db: Executor;
  tenantId: string;
  id: string;
}): Promise<Job | undefined> {
  const [row] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.tenantId, tenantId), eq(jobs.id, id)));
  return row;
}

/** Platform operators only: any job, whichever tenant owns it (or none). */
export async function findJobForPlatform({ db, id }: { db: Executor; id: string }): Promise<Job | undefined> {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  return row;
}
