// lead.follow_up: qualify a lead from its latest inbound message and draft (or auto-send) the reply.
// Idempotent: a lead whose latest inbound message was already answered is left alone.
import { z } from 'zod';
import { followUpLead } from '../../services/lead-follow-up';
import { defineTask, PermanentJobError } from '../registry';

export const leadFollowUpPayload = z.object({
  leadId: z.uuid(),
  /** The message that triggered the job; the task answers the latest inbound one, which may be newer. */
  messageId: z.uuid().optional(),
});

export const leadFollowUp = defineTask({
  type: 'lead.follow_up',
  payload: leadFollowUpPayload,
  maxAttempts: 5,
  async run(payload, ctx) {
    const parsed = leadFollowUpPayload.safeParse(payload);
    if (!parsed.success) throw new PermanentJobError('Invalid lead.follow_up payload');
    const tenantId = ctx.job.tenantId;
    if (!tenantId) throw new PermanentJobError('lead.follow_up needs a tenant');
    await ctx.progress(10, 'Reading the inquiry');
    const result = await followUpLead({ deps: ctx.deps, tenantId, leadId: parsed.data.leadId });
    await ctx.progress(100, 'skipped' in result ? `Skipped: ${result.skipped}` : `Reply ${result.replyStatus}`);
    ctx.log.info('lead follow-up done', { ...result });
    return result;
  },
});
