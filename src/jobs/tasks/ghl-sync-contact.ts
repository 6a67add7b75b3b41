// ghl.sync_contact: pushes a lead to the tenant's GoHighLevel location as a contact (upsert: matched
// by phone or email there), and remembers the contact id on the lead. A 429 waits as long as
// GoHighLevel's rate-limit headers say before the job runs again.
import { z } from 'zod';
import { createGhlClient } from '../../integrations/ghl';
import { isProviderError, toJobError } from '../../integrations/provider-error';
import { setGhlContactId } from '../../repositories/ghl-leads';
import { findLead } from '../../repositories/leads';
import { markIntegrationFailing, markIntegrationSynced, providerAccess } from '../../services/integration-credentials';
import { defineTask, PermanentJobError } from '../registry';

function splitName(name: string | null): { firstName?: string; lastName?: string } {
  const parts = name?.trim().split(/\s+/).filter(Boolean) ?? [];
  if (parts.length === 0) return {};
  if (parts.length === 1) return { firstName: parts[0]! };
  return { firstName: parts.slice(0, -1).join(' '), lastName: parts.at(-1)! };
}

export const ghlSyncContactTask = defineTask({
  type: 'ghl.sync_contact',
  payload: z.object({ leadId: z.uuid() }),
  maxAttempts: 10,
  async run({ leadId }, { deps, job }) {
    const tenantId = job.tenantId;
    if (!tenantId) throw new PermanentJobError('ghl.sync_contact needs a tenant');
    const lead = await findLead({ db: deps.db, tenantId, id: leadId });
    if (!lead) return { skipped: 'lead not found' };
    if (!lead.phone && !lead.email) return { skipped: 'lead has neither phone nor email' };
    const access = await providerAccess(deps, tenantId, 'gohighlevel', ['apiKey', 'locationId']);
    if (!access) return { skipped: 'GoHighLevel is not connected' };

    const { config } = access.integration;
    const client = createGhlClient({
      baseUrl: access.baseUrl,
      token: access.secrets.apiKey!,
      fetch: deps.fetch,
      ...(typeof config.apiVersion === 'string' ? { version: config.apiVersion } : {}),
    });
    try {
      const result = await client.upsertContact({
        locationId: String(config.locationId),
        ...(lead.name ? { name: lead.name, ...splitName(lead.name) } : {}),
        ...(lead.email ? { email: lead.email } : {}),
        ...(lead.phone ? { phone: lead.phone } : {}),
        source: `Showroom (${lead.source})`,
      });
      const linked = await setGhlContactId({ db: deps.db, tenantId, id: lead.id, contactId: result.contactId });
      await markIntegrationSynced(deps, access.integration);
      // GoHighLevel may match our lead to a contact another lead already stands for: that one keeps the link.
      return { contactId: result.contactId, created: result.isNew, ...(linked ? {} : { linked: false }) };
    } catch (err) {
      if (isProviderError(err) && err.kind === 'auth') {
        await markIntegrationFailing(deps, access.integration, (err as Error).message);
      }
      throw toJobError(err);
    }
  },
});
