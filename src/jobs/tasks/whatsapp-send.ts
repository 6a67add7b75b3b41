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
import { storedError } from '../run-job';

const ALREADY_SENT = new Set(['sent', 'delivered', 'read']);

/** Waits before each retry of the status write after a send Fonnte accepted (three tries in all). */
const RECORD_BACKOFF_MS = [100, 500];

/** Resolves after `ms`, or at once when the worker aborts (the caller then stops retrying). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Runs `write` until it succeeds or the tries run out; returns null, or the last error (never throws). */
async function recordSent(write: () => Promise<void>, signal: AbortSignal): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    try {
      await write();
      return null;
    } catch (err) {
      const wait = RECORD_BACKOFF_MS[attempt];
      if (wait === undefined || signal.aborted) return err;
      await pause(wait, signal);
      if (signal.aborted) return err;
    }
  }
}

export const whatsappSendTask = defineTask({
  type: 'whatsapp.send',
  payload: z.object({ messageId: z.uuid() }),
  maxAttempts: 8,
  async run({ messageId }, { deps, job, finalAttempt, log, signal }) {
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
    let sent: Awaited<ReturnType<typeof client.send>>;
    try {
      sent = await client.send({ target: lead.phone.replace(/^\+/, ''), message: message.body });
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

    // Fonnte has accepted the message: from here on nothing may throw into the send-failure path. A
    // failed job is retried, the retry finds the message still queued and sends it again: the customer
    // gets it twice (and on the last attempt a delivered message would be marked failed). So the outcome
    // is recorded with a few quick in-process retries, and if the database still refuses, the job
    // completes with a "sent but not recorded" result and an error log instead of failing.
    // What remains: a worker crash (or a shutdown abort, or a lost completion write) between the send
    // and the write still leaves the message queued for a rerun that resends it. Closing that needs a
    // 'sending' state written before the send (a schema change), which this does not do.
    const providerMessageId = sent.ids[0] ?? null;
    const recordError = await recordSent(
      () => markMessageSent({ db: deps.db, tenantId, id: message.id, providerMessageId }),
      signal,
    );
    // Best-effort bookkeeping: the message went out whatever this write does.
    await markIntegrationSynced(deps, access.integration).catch((err) =>
      log.warn('marking the Fonnte integration synced failed', { err }),
    );
    if (recordError !== null) {
      const reason = storedError(recordError);
      log.error('whatsapp.send: message sent but its status could not be recorded', {
        messageId: message.id,
        providerMessageId,
        err: recordError,
      });
      return { sent: true, recorded: false, providerMessageId, requestId: sent.requestId, error: reason };
    }
    return { providerMessageId, requestId: sent.requestId };
  },
});
