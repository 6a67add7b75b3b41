// lead.follow_up: qualify a lead from its latest inbound message and draft (or auto-send) the reply.
// Idempotent: a lead whose latest inbound message was already answered is left alone.
import { z } from 'zod';
import { followUpLead } from '../../services/lead-follow-up';
import { defineTask, PermanentJobError, type TaskDefinition } from '../registry';

export const leadFollowUpPayload = z.object({
  leadId: z.uuid(),
  /** The message that triggered the job; the task answers the latest inbound one, which may be newer. */
  messageId: z.uuid().optional(),
});

export const leadFollowUp: TaskDefinition<z.infer<typeof leadFollowUpPayload>> = defineTask({
  type: 'lead.follow_up',
  payload: leadFollowUpPayload,
  maxAttempts: 5,
  async run(payload, ctx) {
    // The worker parses payloads before run(); this keeps direct callers (tests, tools) to the same rule.
    const parsed = leadFollowUpPayload.safeParse(payload);
    if (!parsed.success) throw new PermanentJobError('Invalid lead.follow_up payload');
    const tenantId = ctx.job.tenantId;
    if (!tenantId) throw new PermanentJobError('lead.follow_up needs a tenant');
    await ctx.progress(10, 'Reading the inquiry');
    // The model goes first (src/ai/model-step.ts); on the last attempt a model outage falls back to the rules.
    const result = await followUpLead({
      deps: ctx.deps,
      tenantId,
      leadId: parsed.data.leadId,
      model: { finalAttempt: ctx.finalAttempt, signal: ctx.signal },
    });
    await ctx.progress(
      100,
      'skipped' in result ? `Skipped: ${result.skipped}` : `Reply ${result.replyStatus} (${result.path})`,
    );
    ctx.log.info('lead follow-up done', { ...result });
    return result;
  },
});
