// Tenant integrations (CONTRACT §4): create from a template with a schema-checked config, secrets
// encrypted per field and write-only, merge-on-update with re-encryption, status changes through the
// state machine, and an audit entry for every change that never carries a secret.
import { uuidv7 } from 'uuidv7';
import type { Integration, IntegrationTemplate, Tenant } from '../../drizzle/schema';
import type { Env } from '../env';
import { validateIntegrationConfig } from '../integrations/config-validation';
import { randomToken } from '../lib/crypto';
import type { Deps } from '../lib/deps';
import { AppError, conflict, isUniqueViolation, notFound, pgConstraint, validationFailed } from '../lib/errors';
import { pageMeta } from '../lib/pagination';
import { type AuditEntry, recordAudit } from '../repositories/audit-logs';
import { findTemplateByName } from '../repositories/integration-templates';
import {
  deleteIntegration as deleteRow,
  findIntegration,
  findIntegrationByExternalAccount,
  findIntegrationByTemplate,
  type IntegrationChanges,
  insertIntegration,
  listIntegrations as listRows,
  updateIntegration as updateRow,
} from '../repositories/integrations';
import { findPrimaryDomain } from '../repositories/tenants';
import {
  baseUrlProblem,
  configPointer,
  isMaskedEcho,
  maskedConfig,
  normaliseConfig,
  openSecrets,
  type PlainConfig,
  sealConfig,
  templateSecretFields,
} from './integration-config';
import { assertTransition } from './integration-status';

export type IntegrationView = {
  id: string;
  template: string;
  name: string;
  status: Integration['status'];
  config: PlainConfig;
  lastSyncAt: string | null;
  errorMessage: string | null;
  /**
   * When a connection test proved the provider account (GoHighLevel location, Fonnte number) is reachable with
   * this integration's credentials; null until then, and again after the account changes. Webhooks of the
   * account reach this dealership only once it is set.
   */
  accountVerifiedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Fonnte only: the URL (with its secret token) to paste into the Fonnte device settings. */
  webhookUrl?: string;
};

/** The request-derived part of an audit entry (see auditContext). */
export type AuditMeta = Pick<AuditEntry, 'actor' | 'ip' | 'userAgent' | 'requestId'>;

/**
 * Where the tenant's host is reachable from the internet: its primary custom domain, else
 * `<slug>.<BASE_DOMAIN>` (with the port when BASE_DOMAIN is localhost, for runs by hand).
 */
export function tenantPublicOrigin(env: Env, tenant: Pick<Tenant, 'slug'>, primaryDomain: string | null): string {
  const scheme = env.PUBLIC_URL_SCHEME ?? (env.NODE_ENV === 'production' ? 'https' : 'http');
  if (primaryDomain) return `${scheme}://${primaryDomain}`;
  const port = env.BASE_DOMAIN === 'localhost' && env.PORT !== 80 && env.PORT !== 443 ? `:${env.PORT}` : '';
  return `${scheme}://${tenant.slug}.${env.BASE_DOMAIN}${port}`;
}

export function fonnteWebhookUrl(origin: string, token: string): string {
  return `${origin}/webhook/fonnte?token=${encodeURIComponent(token)}`;
}

function toView(deps: Deps, integration: Integration, origin: string): IntegrationView {
  return {
    id: integration.id,
    template: integration.template,
    name: integration.name,
    status: integration.status,
    config: maskedConfig(deps.secrets, integration),
    lastSyncAt: integration.lastSyncAt?.toISOString() ?? null,
    errorMessage: integration.errorMessage,
    accountVerifiedAt: integration.externalAccountVerifiedAt?.toISOString() ?? null,
    createdAt: integration.createdAt.toISOString(),
    updatedAt: integration.updatedAt.toISOString(),
    ...(integration.template === 'fonnte' && integration.webhookToken
      ? { webhookUrl: fonnteWebhookUrl(origin, integration.webhookToken) }
      : {}),
  };
}

async function originFor(deps: Deps, tenant: Tenant): Promise<string> {
  return tenantPublicOrigin(deps.env, tenant, await findPrimaryDomain({ db: deps.db, tenantId: tenant.id }));
}

export async function viewIntegration(deps: Deps, tenant: Tenant, integration: Integration): Promise<IntegrationView> {
  return toView(deps, integration, await originFor(deps, tenant));
}

export async function listIntegrationViews(
  deps: Deps,
  tenant: Tenant,
  query: { page: number; limit: number },
): Promise<{ data: IntegrationView[]; meta: { page: number; limit: number; total: number; totalPages: number } }> {
  const { rows, total } = await listRows({ db: deps.db, tenantId: tenant.id, ...query });
  const origin = await originFor(deps, tenant);
  return {
    data: rows.map((row) => toView(deps, row, origin)),
    meta: pageMeta(query.page, query.limit, total),
  };
}

export async function getIntegrationOrThrow(deps: Deps, tenantId: string, id: string): Promise<Integration> {
  const found = await findIntegration({ db: deps.db, tenantId, id });
  if (!found) throw notFound('Integration');
  return found;
}

/** Schema, provider rules and the base-URL guard, with every problem reported at once. */
async function checkConfig(
  deps: Deps,
  template: IntegrationTemplate,
  config: PlainConfig,
): Promise<{ config: PlainConfig; externalAccountId: string | null }> {
  const urlProblem = await baseUrlProblem(config.baseUrl, { env: deps.env });
  const urlDetails = urlProblem ? [{ path: configPointer('/baseUrl'), message: urlProblem }] : [];
  const problems = validateIntegrationConfig(template.configSchema, config);
  if (problems.length > 0) {
    throw validationFailed(
      [...problems.map((p) => ({ path: configPointer(p.path), message: p.message })), ...urlDetails],
      'Integration config does not match the template',
    );
  }
  const normalised = normaliseConfig(template.name, config);
  const details = normalised.ok ? [...urlDetails] : [...normalised.details, ...urlDetails];
  if (!normalised.ok || details.length > 0) throw validationFailed(details, 'Integration config is not usable');
  return normalised.value;
}

const accountTaken = () =>
  conflict('This provider account is already connected to another dealership', [
    { path: 'config', message: 'the location or number is in use' },
  ]);

/**
 * A provider account another dealership has proved it reaches is theirs: claiming it is refused at once. An
 * unproved claim of someone else's keeps nobody out (the connection test decides, see integration-connection).
 */
async function assertAccountFree(deps: Deps, tenantId: string, template: string, externalAccountId: string | null) {
  if (!externalAccountId) return;
  const owner = await findIntegrationByExternalAccount({ db: deps.db, template, externalAccountId });
  if (owner && owner.tenantId !== tenantId) throw accountTaken();
}

function uniqueConflict(err: unknown): AppError | null {
  if (!isUniqueViolation(err)) return null;
  const constraint = pgConstraint(err);
  if (constraint === 'integrations_external_account_key') return accountTaken();
  return conflict('This dealership already has an integration of this kind', [
    { path: 'template', message: 'already connected' },
  ]);
}

/** The empty record tenant provisioning creates for each template, waiting to be configured. */
export function isPlaceholder(integration: Integration): boolean {
  return Object.keys(integration.secrets ?? {}).length === 0 && Object.keys(integration.config ?? {}).length === 0;
}

export async function createIntegration(
  deps: Deps,
  tenant: Tenant,
  input: { template: string; name?: string | undefined; config: PlainConfig },
  audit: AuditMeta,
): Promise<IntegrationView> {
  const template = await findTemplateByName({ db: deps.db, name: input.template });
  if (!template) throw validationFailed([{ path: 'template', message: 'is not an available integration template' }]);
  const checked = await checkConfig(deps, template, input.config);
  const existing = await findIntegrationByTemplate({ db: deps.db, tenantId: tenant.id, template: template.name });
  // Provisioning leaves an empty `pending` record per template: creating one fills it in.
  if (existing && !isPlaceholder(existing)) {
    throw conflict('This dealership already has an integration of this kind', [
      { path: 'template', message: 'already connected' },
    ]);
  }

  await assertAccountFree(deps, tenant.id, template.name, checked.externalAccountId);

  const owner = { tenantId: tenant.id, id: existing?.id ?? uuidv7() };
  const sealed = sealConfig(deps.secrets, owner, templateSecretFields(template), checked.config);
  const values = {
    name: input.name ?? existing?.name ?? template.displayName,
    status: 'pending' as const,
    config: sealed.config,
    secrets: sealed.secrets,
    externalAccountId: checked.externalAccountId,
    externalAccountVerifiedAt: null,
    webhookToken: template.name === 'fonnte' ? randomToken(32) : null,
  };
  let created: Integration;
  try {
    created = await deps.db.transaction(async (tx) => {
      const row = existing
        ? await updateRow({ db: tx, tenantId: tenant.id, id: existing.id, changes: values })
        : await insertIntegration({
            db: tx,
            values: { ...values, id: owner.id, tenantId: tenant.id, templateId: template.id, template: template.name },
          });
      if (!row) throw notFound('Integration');
      await recordAudit({
        db: tx,
        entry: {
          ...audit,
          tenantId: tenant.id,
          action: 'integration.created',
          targetType: 'integration',
          targetId: row.id,
          metadata: { template: row.template, name: row.name, fields: Object.keys(checked.config).sort() },
        },
      });
      return row;
    });
  } catch (err) {
    throw uniqueConflict(err) ?? err;
  }
  return viewIntegration(deps, tenant, created);
}

export type IntegrationPatch = {
  name?: string | undefined;
  /** Merged into the stored config; `null` removes an optional field; a masked echo keeps a secret. */
  config?: Record<string, unknown> | undefined;
  status?: 'disconnected' | undefined;
};

export async function updateIntegration(
  deps: Deps,
  tenant: Tenant,
  id: string,
  patch: IntegrationPatch,
  audit: AuditMeta,
): Promise<IntegrationView> {
  const current = await getIntegrationOrThrow(deps, tenant.id, id);
  const changes: IntegrationChanges = {};
  const changedFields: string[] = [];

  if (patch.name !== undefined && patch.name !== current.name) {
    changes.name = patch.name;
    changedFields.push('name');
  }
  if (patch.status !== undefined && patch.status !== current.status) {
    assertTransition(current.status, patch.status);
    changes.status = patch.status;
    changedFields.push('status');
  }

  if (patch.config !== undefined) {
    const template = await findTemplateByName({ db: deps.db, name: current.template, activeOnly: false });
    if (!template) throw new AppError('conflict', 'The template of this integration no longer exists');
    const { values: secrets } = openSecrets(deps.secrets, current);
    const merged: PlainConfig = { ...current.config, ...secrets };
    const given = new Set<string>();
    for (const [key, value] of Object.entries(patch.config)) {
      if (value === null) delete merged[key];
      else if (isMaskedEcho(value) && template.secretFields.includes(key)) continue;
      else {
        merged[key] = value;
        given.add(key);
      }
      changedFields.push(`config.${key}`);
    }
    // The secrets go wherever baseUrl points. A new destination must come with the secrets themselves:
    // otherwise anyone who may edit the integration (an admin, a stolen token) could have the stored ones
    // sent to a server of theirs by the next connection test or job. (Back to the provider's default is safe.)
    const destination = (config: PlainConfig) => (typeof config.baseUrl === 'string' ? config.baseUrl : '');
    if (destination(merged) !== '' && destination(merged) !== destination(current.config)) {
      for (const field of template.secretFields) if (!given.has(field)) delete merged[field];
    }
    const checked = await checkConfig(deps, template, merged);
    // Re-encrypting every secret also moves old values onto the current key (rotation).
    const sealed = sealConfig(deps.secrets, current, templateSecretFields(template), checked.config);
    changes.config = sealed.config;
    changes.secrets = sealed.secrets;
    if (checked.externalAccountId !== current.externalAccountId) {
      await assertAccountFree(deps, tenant.id, template.name, checked.externalAccountId);
      changes.externalAccountId = checked.externalAccountId;
      // Another account is only claimed until a connection test proves it.
      changes.externalAccountVerifiedAt = null;
    }
    if (template.name === 'fonnte' && !current.webhookToken) changes.webhookToken = randomToken(32);
  }

  if (Object.keys(changes).length === 0) return viewIntegration(deps, tenant, current);
  let updated: Integration | null;
  try {
    updated = await deps.db.transaction(async (tx) => {
      const row = await updateRow({ db: tx, tenantId: tenant.id, id, changes });
      if (row) {
        await recordAudit({
          db: tx,
          entry: {
            ...audit,
            tenantId: tenant.id,
            action: 'integration.updated',
            targetType: 'integration',
            targetId: id,
            metadata: { template: row.template, changed: changedFields },
          },
        });
      }
      return row;
    });
  } catch (err) {
    throw uniqueConflict(err) ?? err;
  }
  if (!updated) throw notFound('Integration');
  return viewIntegration(deps, tenant, updated);
}

export async function removeIntegration(deps: Deps, tenant: Tenant, id: string, audit: AuditMeta): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const current = await findIntegration({ db: tx, tenantId: tenant.id, id });
    if (!current || !(await deleteRow({ db: tx, tenantId: tenant.id, id }))) throw notFound('Integration');
    await recordAudit({
      db: tx,
      entry: {
        ...audit,
        tenantId: tenant.id,
        action: 'integration.deleted',
        targetType: 'integration',
        targetId: id,
        metadata: { template: current.template, name: current.name },
      },
    });
  });
}
