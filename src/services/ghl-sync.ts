// When a lead is created or changed from another channel (WhatsApp, storefront, staff), queue a push
// of it to the dealership's GoHighLevel CRM. Changes that came from GoHighLevel never call this, so
// nothing echoes back and forth.
import type { Lead } from '../../drizzle/schema';
import type { Executor } from '../db/client';
import { enqueue } from '../jobs/queue';
import { findIntegrationByTemplate } from '../repositories/integrations';

export const GHL_SYNC_TASK = 'ghl.sync_contact';

/**
 * Enqueues `ghl.sync_contact` in the caller's transaction when the tenant has a GoHighLevel
 * integration that is not paused. A sync already pending for the lead absorbs this one (job key),
 * so a burst of messages makes one call. Returns the job id, or null when there is nothing to sync to.
 */
export async function queueGhlContactSync(
  tx: Executor,
  lead: Pick<Lead, 'id' | 'tenantId' | 'phone' | 'email'>,
): Promise<string | null> {
  if (!lead.phone && !lead.email) return null;
  const integration = await findIntegrationByTemplate({ db: tx, tenantId: lead.tenantId, template: 'gohighlevel' });
  if (!integration || integration.status === 'disconnected') return null;
  const job = await enqueue(tx, {
    tenantId: lead.tenantId,
    type: GHL_SYNC_TASK,
    payload: { leadId: lead.id },
    jobKey: `${GHL_SYNC_TASK}:${lead.id}`,
  });
  return job.id;
}
