// Admin leads API: list with filters, stats, detail with the conversation, edit, assign, status.
// Sales staff see and change only leads assigned to them or unassigned (others' are 404, as if absent).
import { and, eq } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { cars, leadSource, leadStatus, users } from '../../../drizzle/schema';
import type { Executor } from '../../db/client';
import type { AppEnv } from '../../lib/app-env';
import { forbidden, notFound, validationFailed } from '../../lib/errors';
import { pageMeta, paginationShape } from '../../lib/pagination';
import { auditContext } from '../../lib/request-meta';
import { validate } from '../../lib/validate';
import { addDays, dateFilter, isDateOnly, rangeBound, zonedDate } from '../../lib/zoned-time';
import { requireRole } from '../../middleware/require-role';
import { recordAudit } from '../../repositories/audit-logs';
import { findLead, type LeadPatch, type LeadViewer, leadStats, listLeads, updateLead } from '../../repositories/leads';
import { listMessages } from '../../repositories/messages';
import { queueGhlContactSync } from '../../services/ghl-sync';
import { type InboxEvent, leadEvent, publishInbox } from '../../services/inbox-events';
import { leadDetailView, leadView } from '../../services/lead-views';

export const viewerOf = (c: Context<AppEnv>): LeadViewer => ({ userId: c.var.auth.userId, role: c.var.auth.role });

export const idParam = z.object({ id: z.uuid() });

const listQuery = z.object({
  ...paginationShape,
  status: z.enum(leadStatus.enumValues).optional(),
  source: z.enum(leadSource.enumValues).optional(),
  assignedTo: z
    .union([z.uuid(), z.enum(['me', 'none'])])
    .optional()
    .describe('A user id, `me` or `none`'),
  tag: z.string().trim().toLowerCase().min(1).max(40).optional(),
  carId: z.uuid().optional(),
  q: z.string().trim().min(1).max(100).optional().describe('Search name, phone or email'),
  from: dateFilter.optional().describe('Created at or after; a date is that day in the tenant time zone'),
  to: dateFilter.optional().describe('Created at or before; a date includes that whole day'),
  sort: z.enum(['newest', 'oldest', 'last_message', 'score', 'name']).default('newest'),
});

const statsQuery = z.object({
  from: dateFilter.optional().describe('First day (tenant time zone) or an instant; default 29 days before `to`'),
  to: dateFilter.optional().describe('Last day, inclusive (tenant time zone), or an instant; default today'),
});

const tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(40)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]*$/u, 'Letters, digits, spaces, - and _');

const patchBody = z
  .strictObject({
    name: z.string().trim().min(1).max(120).nullable().optional(),
    email: z.email().max(254).toLowerCase().nullable().optional(),
    tags: z.array(tag).max(20).optional(),
    notes: z.string().max(5000).nullable().optional(),
    carId: z.uuid().nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Give at least one field to change');

const assignBody = z.object({ userId: z.uuid().nullable() });
const statusBody = z.object({ status: z.enum(leadStatus.enumValues) });

const leadResponses = {
  200: { description: '{data: lead}' },
  400: { description: 'validation_failed' },
  401: { description: 'unauthorized' },
  404: { description: 'not_found (also another tenant\u2019s lead, or another salesperson\u2019s for sales)' },
};

/** Runs a lead change in a transaction, then publishes its inbox events once committed. */
async function change<T>(c: Context<AppEnv>, work: (tx: Executor, events: InboxEvent[]) => Promise<T>): Promise<T> {
  const events: InboxEvent[] = [];
  const result = await c.var.deps.db.transaction((tx) => work(tx, events));
  publishInbox(c.var.deps.bus, events);
  return result;
}

async function lockVisibleLead(c: Context<AppEnv>, tx: Executor, id: string) {
  const lead = await findLead({ db: tx, tenantId: c.var.tenant.id, id, viewer: viewerOf(c), forUpdate: true });
  if (!lead) throw notFound('Lead');
  return lead;
}

export const adminLeadRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({
      tags: ['Leads'],
      summary: 'List leads',
      responses: { ...leadResponses, 200: { description: 'Page of leads' } },
    }),
    requireRole('sales'),
    validate('query', listQuery),
    async (c) => {
      const q = c.req.valid('query');
      const { page, limit, sort, ...filters } = q;
      const assignedTo = filters.assignedTo === 'me' ? c.var.auth.userId : filters.assignedTo;
      const { rows, total } = await listLeads({
        db: c.var.deps.db,
        tenantId: c.var.tenant.id,
        filters: { ...filters, assignedTo, timezone: c.var.tenant.timezone },
        viewer: viewerOf(c),
        sort,
        page,
        limit,
      });
      return c.json({ data: rows.map(leadView), meta: pageMeta(page, limit, total) });
    },
  )
  .get(
    '/stats',
    describeRoute({
      tags: ['Leads'],
      summary: 'Lead totals by status and source, and new leads per day (tenant time zone)',
      responses: {
        200: { description: '{data:{total, byStatus, bySource, perDay[{date,count}]}}' },
        400: { description: 'validation_failed' },
      },
    }),
    requireRole('sales'),
    validate('query', statsQuery),
    async (c) => {
      const tz = c.var.tenant.timezone;
      const query = c.req.valid('query');
      // A date is that day in the tenant time zone; an instant counts as the tenant-time-zone day it falls on
      // for perDay, and filters leads exactly (from inclusive, to inclusive).
      const dayOf = (v: string) => (isDateOnly(v) ? v : zonedDate(new Date(v), tz));
      const to = query.to ?? zonedDate(c.var.deps.clock.now(), tz);
      const from = query.from ?? addDays(dayOf(to), -29);
      const first = dayOf(from);
      const last = dayOf(to);
      const days = (Date.parse(last) - Date.parse(first)) / 86_400_000;
      if (days < 0 || rangeBound(from, 'from', tz) > rangeBound(to, 'to', tz))
        throw validationFailed([{ path: 'from', message: '`from` must not be after `to`' }]);
      if (days > 366) throw validationFailed([{ path: 'from', message: 'At most 367 days at once' }]);
      const stats = await leadStats({
        db: c.var.deps.db,
        tenantId: c.var.tenant.id,
        from,
        to,
        days: { first, last },
        timezone: tz,
        viewer: viewerOf(c),
      });
      return c.json({ data: { from, to, timezone: tz, ...stats } });
    },
  )
  .get(
    '/:id',
    describeRoute({
      tags: ['Leads'],
      summary: 'A lead with its qualification and messages (oldest first)',
      responses: leadResponses,
    }),
    requireRole('sales'),
    validate('param', idParam),
    async (c) => {
      const { db } = c.var.deps;
      const tenantId = c.var.tenant.id;
      const lead = await findLead({ db, tenantId, id: c.req.valid('param').id, viewer: viewerOf(c) });
      if (!lead) throw notFound('Lead');
      const messages = await listMessages({ db, tenantId, leadId: lead.id });
      return c.json({ data: leadDetailView(lead, messages) });
    },
  )
  .patch(
    '/:id',
    describeRoute({
      tags: ['Leads'],
      summary: 'Edit name, email, tags, notes or the car of interest',
      responses: leadResponses,
    }),
    requireRole('sales'),
    validate('param', idParam),
    validate('json', patchBody),
    async (c) => {
      const body = c.req.valid('json');
      const tenantId = c.var.tenant.id;
      const lead = await change(c, async (tx, events) => {
        const current = await lockVisibleLead(c, tx, c.req.valid('param').id);
        if (body.carId) {
          const [car] = await tx
            .select({ id: cars.id })
            .from(cars)
            .where(and(eq(cars.tenantId, tenantId), eq(cars.id, body.carId)))
            .limit(1);
          if (!car) throw validationFailed([{ path: 'carId', message: 'No such car in this dealership' }]);
        }
        const patch: LeadPatch = { ...body } as LeadPatch;
        if (body.tags) patch.tags = [...new Set(body.tags)];
        const updated = (await updateLead({ db: tx, tenantId, id: current.id, patch }))!;
        // Contact details changed here, not in the CRM: push them to GoHighLevel (when connected).
        if (body.name !== undefined || body.email !== undefined) await queueGhlContactSync(tx, updated);
        await recordAudit({
          db: tx,
          entry: {
            tenantId,
            ...auditContext(c),
            action: 'lead.updated',
            targetType: 'lead',
            targetId: current.id,
            metadata: { fields: Object.keys(body) },
          },
        });
        events.push(leadEvent('lead.updated', updated));
        return updated;
      });
      return c.json({ data: leadView(lead) });
    },
  )
  .put(
    '/:id/assign',
    describeRoute({
      tags: ['Leads'],
      summary: 'Assign to a staff member of this dealership, or unassign with null',
      description: 'Sales staff may only take an unassigned lead for themselves (403 otherwise).',
      responses: { ...leadResponses, 403: { description: 'forbidden' } },
    }),
    requireRole('sales'),
    validate('param', idParam),
    validate('json', assignBody),
    async (c) => {
      const { userId } = c.req.valid('json');
      const tenantId = c.var.tenant.id;
      const me = c.var.auth;
      const lead = await change(c, async (tx, events) => {
        const current = await lockVisibleLead(c, tx, c.req.valid('param').id);
        if (me.role === 'sales' && userId !== me.userId) {
          throw forbidden('Sales staff can only take unassigned leads for themselves');
        }
        if (current.assignedTo === userId) return current;
        if (userId) {
          const [user] = await tx
            .select({ id: users.id })
            .from(users)
            .where(and(eq(users.tenantId, tenantId), eq(users.id, userId), eq(users.status, 'active')))
            .limit(1);
          if (!user) throw validationFailed([{ path: 'userId', message: 'No active staff member with this id here' }]);
        }
        const updated = (await updateLead({ db: tx, tenantId, id: current.id, patch: { assignedTo: userId } }))!;
        await recordAudit({
          db: tx,
          entry: {
            tenantId,
            ...auditContext(c),
            action: 'lead.assigned',
            targetType: 'lead',
            targetId: current.id,
            metadata: { from: current.assignedTo, to: userId },
          },
        });
        events.push(leadEvent('lead.assigned', updated, { previousAssignedTo: current.assignedTo }));
        return updated;
      });
      return c.json({ data: leadView(lead) });
    },
  )
  .put(
    '/:id/status',
    describeRoute({ tags: ['Leads'], summary: 'Set the lead status', responses: leadResponses }),
    requireRole('sales'),
    validate('param', idParam),
    validate('json', statusBody),
    async (c) => {
      const { status } = c.req.valid('json');
      const tenantId = c.var.tenant.id;
      const lead = await change(c, async (tx, events) => {
        const current = await lockVisibleLead(c, tx, c.req.valid('param').id);
        if (current.status === status) return current;
        const updated = (await updateLead({ db: tx, tenantId, id: current.id, patch: { status } }))!;
        await recordAudit({
          db: tx,
          entry: {
            tenantId,
            ...auditContext(c),
            action: 'lead.status_changed',
            targetType: 'lead',
            targetId: current.id,
            metadata: { from: current.status, to: status },
          },
        });
        events.push(leadEvent('lead.status_changed', updated, { previousStatus: current.status }));
        return updated;
      });
      return c.json({ data: leadView(lead) });
    },
  );
