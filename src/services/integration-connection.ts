// "Test connection": one real, cheap call to the provider with the stored credentials (Fonnte device
// check, GoHighLevel location read, OpenAI model list) under a short timeout, and the status it implies.
import type { Integration } from '../../drizzle/schema';
import { createFonnteClient } from '../integrations/fonnte';
import { createGhlClient } from '../integrations/ghl';
import { createOpenAIClient, listModels } from '../integrations/openai-client';
import { isProviderError } from '../integrations/provider-error';
import type { Deps } from '../lib/deps';
import { isUniqueViolation, pgConstraint } from '../lib/errors';
import { type AuditEntry, recordAudit } from '../repositories/audit-logs';
import {
  findIntegration,
  findIntegrationByExternalAccount,
  markExternalAccountVerified,
  updateIntegration,
} from '../repositories/integrations';
import { baseUrlProblem, openSecrets, providerBaseUrl } from './integration-config';
import { statusAfter } from './integration-status';

export type ConnectionResult = { success: boolean; message: string; data?: Record<string, unknown> };

export const CONNECTION_TEST_TIMEOUT_MS = 10_000;

const failed = (message: string): ConnectionResult => ({ success: false, message });

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Makes the call; never throws for provider trouble (that is a failed test, not a failed request). */
export async function checkConnection(
  deps: Deps,
  integration: Integration,
  options: { timeoutMs?: number } = {},
): Promise<ConnectionResult> {
  const timeoutMs = options.timeoutMs ?? CONNECTION_TEST_TIMEOUT_MS;
  const { values: secrets, unreadable } = openSecrets(deps.secrets, integration);
  if (unreadable.length > 0) {
    return failed(`Stored ${unreadable.join(', ')} can no longer be decrypted; enter it again`);
  }
  const config = integration.config;
  // Checked again here, not only on save: DNS may have changed since (rebinding).
  const urlProblem = await baseUrlProblem(config.baseUrl, { env: deps.env });
  if (urlProblem) return failed(urlProblem);
  const baseUrl = providerBaseUrl(deps.env, integration.template, config);

  try {
    switch (integration.template) {
      case 'fonnte': {
        const token = text(secrets.deviceToken);
        if (!token) return failed('The device token is missing');
        const device = await createFonnteClient({ baseUrl, token, fetch: deps.fetch, timeoutMs }).device();
        const data = {
          device: device.device,
          deviceStatus: device.deviceStatus,
          name: device.name,
          quota: device.quota,
          expired: device.expired,
        };
        const expected = text(config.deviceNumber);
        if (expected && device.device && device.device.replace(/\D/g, '') !== expected) {
          return {
            success: false,
            message: `The token belongs to device ${device.device}, not ${expected}`,
            data,
          };
        }
        if (!device.connected) {
          return {
            success: false,
            message: 'The device is not connected to WhatsApp: scan the QR code in Fonnte',
            data,
          };
        }
        return { success: true, message: `Device ${device.device ?? expected} is connected`, data };
      }
      case 'gohighlevel': {
        const token = text(secrets.apiKey);
        const locationId = text(config.locationId);
        if (!token || !locationId) return failed('The token or location id is missing');
        const client = createGhlClient({
          baseUrl,
          token,
          fetch: deps.fetch,
          timeoutMs,
          ...(text(config.apiVersion) ? { version: text(config.apiVersion) } : {}),
        });
        const location = await client.getLocation(locationId);
        return {
          success: true,
          message: `Location ${location.name ?? location.id} is reachable`,
          data: { locationId: location.id, name: location.name, timezone: location.timezone },
        };
      }
      case 'openai': {
        const apiKey = text(secrets.apiKey);
        if (!apiKey) return failed('The API key is missing');
        const client = createOpenAIClient({ apiKey, baseURL: baseUrl, timeoutMs, maxRetries: 0, fetch: deps.fetch });
        const models = await listModels(client);
        const model = text(config.model);
        if (model && !models.includes(model)) {
          return { success: false, message: `The key works, but model ${model} is not available to it` };
        }
        return { success: true, message: `${models.length} models available`, data: { models: models.length } };
      }
      default:
        return failed(`There is no connection test for ${integration.template}`);
    }
  } catch (err) {
    if (isProviderError(err)) return failed(err.message);
    throw err;
  }
}

/**
 * Runs the test and records what it showed: status through the state machine, lastSyncAt on
 * success, errorMessage on failure, and an audit entry (outcome only). Null when the row is gone.
 */
export async function testIntegration(
  deps: Deps,
  tenantId: string,
  id: string,
  audit: Pick<AuditEntry, 'actor' | 'ip' | 'userAgent' | 'requestId'>,
  options: { timeoutMs?: number } = {},
): Promise<{ result: ConnectionResult; integration: Integration } | null> {
  const current = await findIntegration({ db: deps.db, tenantId, id });
  if (!current) return null;
  let result = await checkConnection(deps, current, options);
  const account = current.externalAccountId;
  const taken: ConnectionResult = { success: false, message: `${account} is already connected to another dealership` };
  // The test reached the provider account with this integration's own credentials: the account is proved
  // theirs, unless another dealership proved it first.
  if (result.success && account) {
    const owner = await findIntegrationByExternalAccount({
      db: deps.db,
      template: current.template,
      externalAccountId: account,
    });
    if (owner && owner.id !== current.id) result = taken;
  }

  const record = (outcome: ConnectionResult) =>
    deps.db.transaction(async (tx) => {
      if (outcome.success && account) {
        await markExternalAccountVerified({ db: tx, tenantId, id, externalAccountId: account, at: deps.clock.now() });
      }
      const status = statusAfter(current.status, outcome.success ? 'active' : 'error');
      const row = await updateIntegration({
        db: tx,
        tenantId,
        id,
        changes: outcome.success
          ? { status, lastSyncAt: deps.clock.now(), errorMessage: null }
          : { status, errorMessage: outcome.message.slice(0, 500) },
      });
      if (row) {
        await recordAudit({
          db: tx,
          entry: {
            ...audit,
            tenantId,
            action: 'integration.tested',
            targetType: 'integration',
            targetId: id,
            metadata: { template: row.template, success: outcome.success, status: row.status },
          },
        });
      }
      return row;
    });

  let updated: Integration | null;
  try {
    updated = await record(result);
  } catch (err) {
    // Two dealerships proved the same account at once: the unique index let the other one through.
    if (!(isUniqueViolation(err) && pgConstraint(err) === 'integrations_external_account_key')) throw err;
    result = taken;
    updated = await record(result);
  }
  return updated ? { result, integration: updated } : null;
}
