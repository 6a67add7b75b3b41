// Cross-tenant queries for the operator: reserve, list, read and change tenants. Unlike tenant-scoped
// repositories these take a tenant id as their subject, not as a scope, and only platform code calls them.
import { and, asc, count, desc, eq, exists, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import {
  jobs,
  type Tenant,
  type TenantProvisioning,
  tenantDomains,
  tenantProvisionings,
  tenants,
  users,
} from '../../drizzle/schema';
import type { Executor } from '../db/client';
import type { TenantStatus } from '../services/tenant-input';

export type TenantReservation = {
  tenant: typeof tenants.$inferInsert & { id: string; slug: string; name: string };
  domains: string[];
  owner: { email: string; name: string; passwordHash: string };
};

/** Which of the requested identifiers another tenant already holds (a friendly early answer; the unique
 * indexes remain the race-safe guard). */
export async function findTakenIdentifiers({
  db,
  slug,
  domains,
}: {
  db: Executor;
  slug: string;
  domains: string[];
}): Promise<{ slugTaken: boolean; domainsTaken: string[] }> {
  const [bySlug] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug)).limit(1);
  const taken =
    domains.length === 0
      ? []
      : await db
          .select({ domain: tenantDomains.domain })
          .from(tenantDomains)
          .where(inArray(tenantDomains.domain, domains));
  return { slugTaken: Boolean(bySlug), domainsTaken: taken.map((r) => r.domain) };
}

/** The tenant row (not yet provisioned), its domains and what the provisioning job must still create. */
export async function insertTenantReservation({ db, reservation }: { db: Executor; reservation: TenantReservation }) {
  const { tenant, domains, owner } = reservation;
  await db.insert(tenants).values({ ...tenant, provisionedAt: null });
  if (domains.length > 0) {
    await db
      .insert(tenantDomains)
      .values(domains.map((domain, i) => ({ tenantId: tenant.id, domain, isPrimary: i === 0 })));
  }
  await db.insert(tenantProvisionings).values({
    tenantId: tenant.id,
    ownerEmail: owner.email,
    ownerName: owner.name,
    ownerPasswordHash: owner.passwordHash,
  });
}

export async function setProvisioningJob({ db, tenantId, jobId }: { db: Executor; tenantId: string; jobId: string }) {
  await db.update(tenantProvisionings).set({ jobId }).where(eq(tenantProvisionings.tenantId, tenantId));
}

export async function findProvisioning({
  db,
  tenantId,
}: {
  db: Executor;
  tenantId: string;
}): Promise<TenantProvisioning | null> {
  const [row] = await db.select().from(tenantProvisionings).where(eq(tenantProvisionings.tenantId, tenantId));
  return row ?? null;
}

export async function listTenantsPage({
  db,
  page,
  limit,
  status,
  q,
}: {
  db: Executor;
  page: number;
  limit: number;
  status?: TenantStatus | undefined;
  q?: string | undefined;
}): Promise<{ rows: Tenant[]; total: number }> {
  const filters: SQL[] = [];
  if (status) filters.push(eq(tenants.status, status));
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    filters.push(
      or(
        ilike(tenants.slug, pattern),
        ilike(tenants.name, pattern),
        exists(
          db
            .select({ one: sql`1` })
            .from(tenantDomains)
            .where(and(eq(tenantDomains.tenantId, tenants.id), ilike(tenantDomains.domain, pattern))),
        ),
      )!,
    );
  }
  const where = filters.length > 0 ? and(...filters) : undefined;
  const [rows, [totalRow]] = await Promise.all([
    db
      .select()
      .from(tenants)
      .where(where)
      .orderBy(desc(tenants.createdAt), desc(tenants.id))
      .limit(limit)
      .offset((page - 1) * limit),
    db.select({ total: count() }).from(tenants).where(where),
  ]);
  return { rows, total: Number(totalRow?.total ?? 0) };
}

export async function domainsOf({
  db,
  tenantIds,
}: {
  db: Executor;
  tenantIds: string[];
}): Promise<Map<string, { domain: string; isPrimary: boolean }[]>> {
  const out = new Map<string, { domain: string; isPrimary: boolean }[]>();
  if (tenantIds.length === 0) return out;
  const rows = await db
    .select({ tenantId: tenantDomains.tenantId, domain: tenantDomains.domain, isPrimary: tenantDomains.isPrimary })
    .from(tenantDomains)
    .where(inArray(tenantDomains.tenantId, tenantIds))
    .orderBy(desc(tenantDomains.isPrimary), asc(tenantDomains.domain));
  for (const { tenantId, ...d } of rows) out.set(tenantId, [...(out.get(tenantId) ?? []), d]);
  return out;
}

export async function userCounts({ db, tenantId }: { db: Executor; tenantId: string }) {
  const [row] = await db
    .select({
      total: count(),
      owners: sql<number>`count(*) filter (where ${users.role} = 'owner')`.mapWith(Number),
    })
    .from(users)
    .where(eq(users.tenantId, tenantId));
  return { total: Number(row?.total ?? 0), owners: row?.owners ?? 0 };
}

export async function findJobSummary({ db, jobId }: { db: Executor; jobId: string }) {
  const [row] = await db
    .select({
      id: jobs.id,
      status: jobs.status,
      progress: jobs.progress,
      progressMessage: jobs.progressMessage,
      lastError: jobs.lastError,
    })
    .from(jobs)
    .where(eq(jobs.id, jobId));
  return row ?? null;
}

/** Changes the status only if it is still `from`, so two operators cannot race past the transition rules. */
export async function updateTenantStatus({
  db,
  tenantId,
  from,
  to,
}: {
  db: Executor;
  tenantId: string;
  from: TenantStatus;
  to: TenantStatus;
}): Promise<Tenant | null> {
  const [row] = await db
    .update(tenants)
    .set({ status: to })
    .where(and(eq(tenants.id, tenantId), eq(tenants.status, from)))
    .returning();
  return row ?? null;
}
