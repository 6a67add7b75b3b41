// What a job needs to call a provider for a tenant: its integration of that kind, the decrypted
// credentials and a base URL that passed the guard. Problems only a human can fix are permanent.
import type { Integration } from '../../drizzle/schema';
import { PermanentJobError } from '../jobs/registry';
import type { Deps } from '../lib/deps';
import { findIntegrationByTemplate, updateIntegration } from '../repositories/integrations';
import { baseUrlProblem, openSecrets, providerBaseUrl } from './integration-config';
import { statusAfter } from './integration-status';

export type ProviderAccess = {
  integration: Integration;
  secrets: Record<string, string>;
  baseUrl: string;
};

/** The integration, or null when the tenant has none of this kind or paused it. */
export async function providerAccess(
  deps: Deps,
  tenantId: string,
  template: 'fonnte' | 'gohighlevel',
  required: string[],
): Promise<ProviderAccess | null> {
  const integration = await findIntegrationByTemplate({ db: deps.db, tenantId, template });
  if (!integration || integration.status === 'disconnected') return null;
  const { values } = openSecrets(deps.secrets, integration);
  const missing = required.filter((field) => !values[field] && !integration.config[field]);
  if (missing.length > 0) {
    throw new PermanentJobError(`The ${template} integration has no usable ${missing.join(', ')}`);
  }
  const problem = await baseUrlProblem(integration.config.baseUrl, { env: deps.env });
  if (problem) throw new PermanentJobError(problem);
  return { integration, secrets: values, baseUrl: providerBaseUrl(deps.env, template, integration.config) };
}

/** Credentials the provider refused: the integration shows the problem until someone fixes it. */
export async function markIntegrationFailing(deps: Deps, integration: Integration, message: string): Promise<void> {
  await updateIntegration({
    db: deps.db,
    tenantId: integration.tenantId,
    id: integration.id,
    changes: { status: statusAfter(integration.status, 'error'), errorMessage: message.slice(0, 500) },
  });
}

export async function markIntegrationSynced(deps: Deps, integration: Integration): Promise<void> {
  await updateIntegration({
    db: deps.db,
    tenantId: integration.tenantId,
    id: integration.id,
    changes: { lastSyncAt: deps.clock.now() },
  });
}
