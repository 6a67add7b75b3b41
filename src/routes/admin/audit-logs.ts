// /api/admin/audit-logs: the tenant's audit trail, newest first (owners and admins).
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AuditLog } from '../../../drizzle/schema';
import type { AppEnv } from '../../lib/app-env';
import { validationFailed } from '../../lib/errors';
import { pageMeta, paginationShape } from '../../lib/pagination';
import { validate } from '../../lib/validate';
import { dateFilter, rangeBound } from '../../lib/zoned-time';
import { requireRole } from '../../middleware/require-role';
import { listAuditLogs } from '../../repositories/audit-logs';

const listQuery = z.object({
  ...paginationShape,
  action: z
    .string()
    .regex(/^[a-z_]+(\.[a-z_]+)+$/, 'An action such as auth.login or user.update')
    .max(100)
    .optional(),
  actorId: z.uuid().optional(),
  from: dateFilter
    .optional()
    .describe('At or after; a date (YYYY-MM-DD) is the start of that day in the tenant time zone'),
  to: dateFilter.optional().describe('Before; a date includes that whole day in the tenant time zone'),
});

export function auditLogView(row: AuditLog) {
  return {
    id: row.id,
    actorType: row.actorType,
    actorId: row.actorId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    ip: row.ip,
    userAgent: row.userAgent,
    requestId: row.requestId,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
  };
}

export const auditLogRoutes = new Hono<AppEnv>().get(
  '/',
  describeRoute({
    tags: ['Audit'],
    summary: 'Audit log of the tenant (admin, owner)',
    description:
      'Newest first. Filters: `action` (exact, e.g. `auth.login_failed`), `actorId`, `from` (inclusive) and `to` ' +
      '(exclusive) as ISO-8601 timestamps, or dates (YYYY-MM-DD) meaning that day in the tenant time zone (`to` ' +
      'then includes the whole day). IPs are masked (/24, /48); secrets in `metadata` read `[REDACTED]`.',
    security: [{ bearerAuth: [] }],
    responses: { 200: { description: 'Paginated `{data, meta}`' } },
  }),
  requireRole('admin'),
  validate('query', listQuery),
  async (c) => {
    const { page, limit, action, actorId, from, to } = c.req.valid('query');
    const timezone = c.var.tenant.timezone;
    const fromDate = from ? rangeBound(from, 'from', timezone) : undefined;
    const toDate = to ? rangeBound(to, 'to', timezone) : undefined;
    if (fromDate && toDate && fromDate > toDate)
      throw validationFailed([{ path: 'to', message: 'Must not be before from' }]);
    const { rows, total } = await listAuditLogs({
      db: c.var.deps.db,
      tenantId: c.var.tenant.id,
      filters: { action, actorId, from: fromDate, to: toDate },
      page,
      limit,
    });
    return c.json({ data: rows.map(auditLogView), meta: pageMeta(page, limit, total) });
  },
);
