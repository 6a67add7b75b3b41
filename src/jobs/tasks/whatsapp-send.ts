// whatsapp.send: delivers one queued outbound message through the tenant's Fonnte device, stores
// Fonnte's message id (status callbacks refer to it) and the outcome. Network trouble, 5xx and 429
// retry; a refused token or target fails the message for good.
import { z } from 'zod';
import { createFonnteClient } from '../../integrations/fonnte';
import { isProviderError, toJobError } from '../../integrations/provider-error';
import { findLead } from '../../repositories/leads';
import { markMessageFailed, markMessageSent, noteMessageError } from '../../repositories/message-delivery';
import { findMessage } from '../../repositories/messages';
import { markIntegrationFailing, markIntegrationSynced, providerAccess } from '../../services/integration-credentials';
import { defineTask, PermanentJobError } from '../registry';

const ALREADY_SENT = new Set(['sent', 'delivered', 'read']);

export const whatsappSendTask = defineTask({
  type: 'whatsapp.send',
  payload: z.object({ messageId: z.uuid() }),
  maxAttempts: 8,
  async run({ messageId }, { deps, job, finalAttempt }) {
    const tenantId = job.tenantId;
    if (!tenantId) throw new PermanentJobError('whatsapp.send needs a tenant');
    const message = await findMessage({ db: deps.db, tenantId, id: messageId });
    if (!message) return { skipped: 'message not found' };
    if (message.direction !== 'out' || message.channel !== 'whatsapp') {
      throw new PermanentJobError('Only outbound WhatsApp messages can be sent');
    }
    // Idempotent: a retry after a successful send, or a second job for one message, sends nothing.
    if (ALREADY_SENT.has(message.status))
      return { skipped: 'already sent', providerMessageId: message.providerMessageId };
    if (message.status === 'draft') return { skipped: 'draft: not approved for sending' };

    const failFor = async (reason: string): Promise<never> => {
      await markMessageFailed({ db: deps.db, tenantId, id: message.id, error: reason });
      throw new PermanentJobError(reason);
    };
    const lead = await findLead({ db: deps.db, tenantId, id: message.leadId });
    if (!lead?.phone) return failFor('The lead has no phone number');
    let access: Awaited<ReturnType<typeof providerAccess>>;
    try {
      access = await providerAccess(deps, tenantId, 'fonnte', ['deviceToken']);
    } catch (err) {
      return failFor((err as Error).message);
    }
    if (!access) return failFor('WhatsApp (Fonnte) is not connected');

    const client = createFonnteClient({
      baseUrl: access.baseUrl,
      token: access.secrets.deviceToken!,
      fetch: deps.fetch,
    });
    try {
      const sent = await client.send({ target: lead.phone.replace(/^\+/, ''), message: message.body });
      const providerMessageId = sent.ids[0] ?? null;
      await markMessageSent({ db: deps.db, tenantId, id: message.id, providerMessageId });
      await markIntegrationSynced(deps, access.integration);
      return { providerMessageId, requestId: sent.requestId };
    } catch (err) {
      const jobError = toJobError(err);
      const reason = (err as Error).message;
      // When the worker gives up on the job, the message has failed too.
      if (jobError instanceof PermanentJobError || finalAttempt) {
        await markMessageFailed({ db: deps.db, tenantId, id: message.id, error: reason });
      } else {
        await noteMessageError({ db: deps.db, tenantId, id: message.id, error: reason });
      }
      if (isProviderError(err) && err.kind === 'auth') await markIntegrationFailing(deps, access.integration, reason);
      throw jobError;
    }
  },
});
