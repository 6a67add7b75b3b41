// POST /api/admin/leads/:id/messages: a staff reply is stored `queued` and handed to the
// `whatsapp.send` job (answer 202); an internal note (`channel: note`) is stored and never sent (201).
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { enqueue } from '../../jobs/queue';
import type { AppEnv } from '../../lib/app-env';
import { conflict, notFound } from '../../lib/errors';
import { auditContext } from '../../lib/request-meta';
import { validate } from '../../lib/validate';
import { requireRole } from '../../middleware/require-role';
import { recordAudit } from '../../repositories/audit-logs';
import { findLead } from '../../repositories/leads';
import { insertMessage } from '../../repositories/messages';
import { messageEvent, publishInbox } from '../../services/inbox-events';
import { messageView } from '../../services/lead-views';
import { idParam, viewerOf } from './leads';

const messageBody = z.object({
  body: z.string().trim().min(1).max(4096),
  channel: z.enum(['whatsapp', 'note']).default('whatsapp').describe('`note` is internal and never sent'),
});

export const adminLeadMessageRoutes = new Hono<AppEnv>().post(
  '/:id/messages',
  describeRoute({
    tags: ['Leads'],
    summary: 'Reply to the lead on WhatsApp (queued) or add an internal note',
    responses: {
      201: { description: 'Note stored: {data:{message, jobId:null}}' },
      202: { description: 'Reply queued: {data:{message, jobId}}' },
      400: { description: 'validation_failed' },
      404: { description: 'not_found' },
      409: { description: 'conflict: the lead has no phone number to message' },
    },
  }),
  requireRole('sales'),
  validate('param', idParam),
  validate('json', messageBody),
  async (c) => {
    const { body, channel } = c.req.valid('json');
    const tenantId = c.var.tenant.id;
    const { db, bus } = c.var.deps;
    const result = await db.transaction(async (tx) => {
      const lead = await findLead({ db: tx, tenantId, id: c.req.valid('param').id, viewer: viewerOf(c) });
      if (!lead) throw notFound('Lead');
      if (channel === 'whatsapp' && !lead.phone) throw conflict('This lead has no phone number to message');
      const message = await insertMessage({
        db: tx,
        message: {
          tenantId,
          leadId: lead.id,
          direction: 'out',
          channel,
          body,
          // A note is never sent; `sent` records that it is posted and final, with no job behind it.
          status: channel === 'note' ? 'sent' : 'queued',
          authorId: c.var.auth.userId,
        },
      });
      const job =
        channel === 'whatsapp'
          ? await enqueue(tx, { tenantId, type: 'whatsapp.send', payload: { messageId: message.id } })
          : null;
      await recordAudit({
        db: tx,
        entry: {
          tenantId,
          ...auditContext(c),
          action: channel === 'note' ? 'lead.note_added' : 'message.queued',
          targetType: 'message',
          targetId: message.id,
          metadata: { leadId: lead.id, channel, jobId: job?.id ?? null },
        },
      });
      return { lead, message, jobId: job?.id ?? null };
    });
    publishInbox(bus, [messageEvent(result.lead, result.message)]);
    return c.json({ data: { message: messageView(result.message), jobId: result.jobId } }, result.jobId ? 202 : 201);
  },
);
