// Tenant lookups. Reads by host go through the TTL cache in src/lib/tenant-cache.ts.
import { and, eq } from 'drizzle-orm';
import { type Tenant, tenantDomains, tenants } from '../../drizzle/schema';
import type { Executor } from '../db/client';

export async function findTenantBySlug({ db, slug }: { db: Executor; slug: string }): Promise<Tenant | null> {
  const [row] = await db.select().from(tenants).where(eq(tenants.slug, slug)).limit(1);
  return row ?? null;
}

export async function findTenantByDomain({ db, domain }: { db: Executor; domain: string }): Promise<Tenant | null> {
  const [row] = await db
    .select({ tenant: tenants })
    .from(tenantDomains)
    .innerJoin(tenants, eq(tenants.id, tenantDomains.tenantId))
    .where(eq(tenantDomains.domain, domain))
    .limit(1);
  return row?.tenant ?? null;
}

export async function findTenantById({ db, id }: { db: Executor; id: string }): Promise<Tenant | null> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id)).limit(1);
  return row ?? null;
}

export async function listTenantDomains({ db, tenantId }: { db: Executor; tenantId: string }): Promise<string[]> {
  const rows = await db
    .select({ domain: tenantDomains.domain })
    .from(tenantDomains)
    .where(eq(tenantDomains.tenantId, tenantId));
  return rows.map((r) => r.domain);
}

/** The tenant's primary custom domain, if it has one (public URLs prefer it over the subdomain). */
export async function findPrimaryDomain({ db, tenantId }: { db: Executor; tenantId: string }): Promise<string | null> {
  const [row] = await db
    .select({ domain: tenantDomains.domain })
    .from(tenantDomains)
    .where(and(eq(tenantDomains.tenantId, tenantId), eq(tenantDomains.isPrimary, true)))
    .limit(1);
  return row?.domain ?? null;
}
