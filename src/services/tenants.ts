// Operator actions on tenants, shared by the platform HTTP routes and the CLI: reserve a tenant and queue
// its provisioning, list and read tenants, suspend and reactivate them. Every action is audited as `platform`.
import { uuidv7 } from 'uuidv7';
import type { Tenant } from '../../drizzle/schema';
import { hashPassword } from '../auth/password';
import { enqueue } from '../jobs/queue';
import type { Deps } from '../lib/deps';
import { AppError, conflict, type ErrorDetail, isUniqueViolation, notFound, pgConstraint } from '../lib/errors';
import { pageMeta } from '../lib/pagination';
import { type AuditEntry, recordAudit } from '../repositories/audit-logs';
import {
  domainsOf,
  findJobSummary,
  findProvisioning,
  findTakenIdentifiers,
  insertTenantReservation,
  listTenantsPage,
  setProvisioningJob,
  updateTenantStatus,
  userCounts,
} from '../repositories/platform-tenants';
import { findTenantById, findTenantBySlug } from '../repositories/tenants';
import { allowedStatusChanges, type CreateTenantInput, type ListTenantsQuery, type TenantStatus } from './tenant-input';

export const PROVISION_TASK = 'tenant.provision';

/** Where an operator action came from, for the audit log. */
export type PlatformCaller = Pick<AuditEntry, 'ip' | 'userAgent' | 'requestId'> & {
  via: 'api' | 'cli';
  keyId?: string | undefined;
};

export function auditPlatform(deps: Pick<Deps, 'db'>, caller: PlatformCaller, entry: Omit<AuditEntry, 'actor'>) {
  return recordAudit({
    db: deps.db,
    entry: {
      ...entry,
      actor: { type: 'platform' },
      ip: caller.ip ?? null,
      userAgent: caller.userAgent ?? null,
      requestId: caller.requestId ?? null,
      metadata: { ...entry.metadata, via: caller.via, ...(caller.keyId ? { platformKey: caller.keyId } : {}) },
    },
  });
}

function conflictDetails(slugTaken: boolean, domains: string[], taken: string[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  if (slugTaken) details.push({ path: 'slug', message: 'is already taken' });
  domains.forEach((d, i) => {
    if (taken.includes(d)) details.push({ path: `domains.${i}`, message: 'is already used by a tenant' });
  });
  return details;
}

/**
 * Reserves the tenant (row, domains, owner spec) and queues `tenant.provision` in one transaction: the
 * unique indexes make a duplicate slug or domain a 409 even under a race, and no job exists unless the
 * reservation committed. The reserved tenant serves no traffic until the job sets provisionedAt.
 */
export async function createTenant(
  deps: Deps,
  input: CreateTenantInput,
  caller: PlatformCaller,
): Promise<{ tenantId: string; jobId: string; status: 'queued'; estimatedCompletionTime: string }> {
  const base = deps.env.BASE_DOMAIN;
  const underBase = input.domains.map((d, i) => ({ d, i })).filter(({ d }) => d === base || d.endsWith(`.${base}`));
  if (underBase.length > 0) {
    throw new AppError('validation_failed', 'Invalid request body', {
      details: underBase.map(({ i }) => ({
        path: `domains.${i}`,
        message: `hosts under ${base} come from the slug; list only custom domains`,
      })),
    });
  }

  const taken = await findTakenIdentifiers({ db: deps.db, slug: input.slug, domains: input.domains });
  const early = conflictDetails(taken.slugTaken, input.domains, taken.domainsTaken);
  if (early.length > 0) throw conflict('Slug or domain already in use', early);

  // Hash before the transaction: argon2 takes tens of milliseconds we should not hold locks for.
  const passwordHash = await hashPassword(input.owner.password);
  const tenantId = uuidv7();
  const now = deps.clock.now();

  let jobId: string;
  try {
    jobId = await deps.db.transaction(async (tx) => {
      await insertTenantReservation({
        db: tx,
        reservation: {
          tenant: {
            id: tenantId,
            slug: input.slug,
            name: input.name,
            status: 'trial',
            locale: input.locale,
            currency: input.currency,
            timezone: input.timezone,
            whatsappNumber: input.whatsappNumber ?? null,
            intake: input.intake ? { answers: input.intake } : null,
          },
          domains: input.domains,
          owner: { email: input.owner.email, name: input.owner.name, passwordHash },
        },
      });
      const job = await enqueue(tx, {
        type: PROVISION_TASK,
        tenantId,
        payload: { tenantId },
        jobKey: `${PROVISION_TASK}:${tenantId}`,
        maxAttempts: 5,
        priority: 10,
      });
      await setProvisioningJob({ db: tx, tenantId, jobId: job.id });
      return job.id;
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const constraint = pgConstraint(err);
    const details: ErrorDetail[] =
      constraint === 'tenants_slug_key'
        ? [{ path: 'slug', message: 'is already taken' }]
        : [{ path: 'domains', message: 'a domain is already used by a tenant' }];
    throw conflict('Slug or domain already in use', details);
  }

  await auditPlatform(deps, caller, {
    tenantId,
    action: 'tenant.create',
    targetType: 'tenant',
    targetId: tenantId,
    metadata: { slug: input.slug, domains: input.domains, owner: input.owner.email, jobId },
  });

  // A worker picks the job up within one poll interval; the steps themselves take a few seconds.
  const eta = new Date(now.getTime() + deps.env.WORKER_POLL_INTERVAL_MS + 5_000);
  return { tenantId, jobId, status: 'queued', estimatedCompletionTime: eta.toISOString() };
}

/** `id` may be the tenant's UUID or its slug (the CLI takes either). */
export async function findTenantRef(deps: Pick<Deps, 'db'>, ref: string): Promise<Tenant> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  const tenant = isUuid
    ? await findTenantById({ db: deps.db, id: ref.toLowerCase() })
    : await findTenantBySlug({ db: deps.db, slug: ref.toLowerCase() });
  if (!tenant) throw notFound('Tenant');
  return tenant;
}

function hostsOf(deps: Pick<Deps, 'env'>, tenant: Tenant, domains: { domain: string }[]) {
  return [`${tenant.slug}.${deps.env.BASE_DOMAIN}`, ...domains.map((d) => d.domain)];
}

function platformTenantSummary(deps: Pick<Deps, 'env'>, t: Tenant, domains: { domain: string; isPrimary: boolean }[]) {
  return {
    id: t.id,
    slug: t.slug,
    name: t.name,
    status: t.status,
    locale: t.locale,
    currency: t.currency,
    timezone: t.timezone,
    whatsappNumber: t.whatsappNumber,
    domains,
    hosts: hostsOf(deps, t, domains),
    provisioned: t.provisionedAt !== null,
    provisionedAt: t.provisionedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

export async function listTenants(deps: Deps, query: ListTenantsQuery) {
  const { rows, total } = await listTenantsPage({ db: deps.db, ...query });
  const domains = await domainsOf({ db: deps.db, tenantIds: rows.map((r) => r.id) });
  return {
    data: rows.map((t) => platformTenantSummary(deps, t, domains.get(t.id) ?? [])),
    meta: pageMeta(query.page, query.limit, total),
  };
}

export async function getTenant(deps: Deps, tenantId: string) {
  const tenant = await findTenantById({ db: deps.db, id: tenantId });
  if (!tenant) throw notFound('Tenant');
  return describeTenant(deps, tenant);
}

async function describeTenant(deps: Deps, tenant: Tenant) {
  const [domains, users, provisioning] = await Promise.all([
    domainsOf({ db: deps.db, tenantIds: [tenant.id] }),
    userCounts({ db: deps.db, tenantId: tenant.id }),
    findProvisioning({ db: deps.db, tenantId: tenant.id }),
  ]);
  const job = provisioning?.jobId ? await findJobSummary({ db: deps.db, jobId: provisioning.jobId }) : null;
  return {
    ...platformTenantSummary(deps, tenant, domains.get(tenant.id) ?? []),
    logoUrl: tenant.logoUrl,
    settings: tenant.settings,
    intake: tenant.intake,
    users,
    provisioning: {
      state: tenant.provisionedAt ? 'complete' : 'provisioning',
      jobId: provisioning?.jobId ?? null,
      jobStatus: job?.status ?? null,
      progress: job?.progress ?? (tenant.provisionedAt ? 100 : 0),
      progressMessage: job?.progressMessage ?? null,
      lastError: job?.lastError ?? null,
    },
  };
}

/** Applies an operator's status change under the transition rules; the host cache forgets the tenant at once. */
export async function changeTenantStatus(deps: Deps, tenantId: string, to: TenantStatus, caller: PlatformCaller) {
  const tenant = await findTenantById({ db: deps.db, id: tenantId });
  if (!tenant) throw notFound('Tenant');
  const from = tenant.status;
  if (from === to) return describeTenant(deps, tenant);
  if (!allowedStatusChanges[from].includes(to)) {
    throw new AppError('invalid_transition', `A ${from} tenant cannot become ${to}`, {
      details: [{ path: 'status', message: `allowed from ${from}: ${allowedStatusChanges[from].join(', ')}` }],
    });
  }
  const updated = await updateTenantStatus({ db: deps.db, tenantId, from, to });
  if (!updated) throw new AppError('version_conflict', 'The tenant changed meanwhile; read it again and retry');
  // Takes effect at once in this process; other instances see it within TENANT_CACHE_TTL_MS.
  deps.tenants.invalidate(tenantId);
  await auditPlatform(deps, caller, {
    tenantId,
    action: to === 'suspended' ? 'tenant.suspend' : from === 'suspended' ? 'tenant.reactivate' : 'tenant.status_change',
    targetType: 'tenant',
    targetId: tenantId,
    metadata: { from, to },
  });
  return describeTenant(deps, updated);
}
