// Admin jobs API (CONTRACT §6): list with filters, read, retry, and the SSE stream of one job.
// Mounted at /api/admin/jobs behind tenant + auth; every query is scoped to the caller's tenant.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { jobStatus } from '../../../drizzle/schema';
import { retryJob } from '../../jobs/sql/retry';
import { jobView } from '../../jobs/view';
import type { AppEnv } from '../../lib/app-env';
import { AppError, conflict, notFound } from '../../lib/errors';
import { pageMeta, paginationShape } from '../../lib/pagination';
import { streamJobEvents } from '../../lib/sse';
import { validate } from '../../lib/validate';
import { requireRole } from '../../middleware/require-role';
import { findJob, listJobs } from '../../repositories/jobs';

const listQuery = z.object({
  ...paginationShape,
  status: z.enum(jobStatus.enumValues).optional(),
  type: z.string().min(1).max(100).optional(),
});
const idParam = z.object({ id: z.uuid() });

export const adminJobRoutes = new Hono<AppEnv>()
  .use(requireRole('admin'))
  .get(
    '/',
    describeRoute({ tags: ['Admin: jobs'], summary: 'List jobs (filter by status, type)' }),
    validate('query', listQuery),
    async (c) => {
      const { page, limit, status, type } = c.req.valid('query');
      const { rows, total } = await listJobs({
        db: c.var.deps.db,
        tenantId: c.var.tenant.id,
        filters: { status, type },
        page,
        limit,
      });
      return c.json({
        data: rows.map(jobView),
        meta: pageMeta(page, limit, total),
      });
    },
  )
  .get(
    '/:id',
    describeRoute({ tags: ['Admin: jobs'], summary: 'Read one job' }),
    validate('param', idParam),
    async (c) => {
      const job = await findJob({ db: c.var.deps.db, tenantId: c.var.tenant.id, id: c.req.valid('param').id });
      if (!job) throw notFound('Job');
      return c.json({ data: jobView(job) });
    },
  )
  .post(
    '/:id/retry',
    describeRoute({
      tags: ['Admin: jobs'],
      summary: 'Retry a dead, failed or cancelled job with a fresh set of attempts',
      responses: { 200: { description: 'The queued job' }, 409: { description: 'invalid_transition or conflict' } },
    }),
    validate('param', idParam),
    async (c) => {
      const { deps, tenant } = c.var;
      const outcome = await retryJob(deps.db, {
        id: c.req.valid('param').id,
        tenantId: tenant.id,
        now: deps.clock.now(),
      });
      if (outcome.ok) return c.json({ data: jobView(outcome.job) });
      if (outcome.reason === 'not_found') throw notFound('Job');
      if (outcome.reason === 'conflict') throw conflict('Another pending job holds the same job key');
      throw new AppError('invalid_transition', 'Only dead, failed or cancelled jobs can be retried');
    },
  )
  .get(
    '/:id/events',
    describeRoute({
      tags: ['Admin: jobs'],
      summary: 'Server-Sent Events of one job: status, progress, completed, failed',
      responses: { 200: { description: 'text/event-stream' }, 404: { description: 'not_found' } },
    }),
    validate('param', idParam),
    async (c) => {
      const { id } = c.req.valid('param');
      const db = c.var.deps.db;
      const tenantId = c.var.tenant.id;
      if (!(await findJob({ db, tenantId, id }))) throw notFound('Job');
      return streamJobEvents(c, { jobId: id, load: () => findJob({ db, tenantId, id }) });
    },
  );
