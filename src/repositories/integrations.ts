// Tenant integrations: plain queries, every one scoped by tenant except the provider-account lookup
// (GoHighLevel names its location, not our tenant, so that one search spans tenants by design).
import { and, asc, count, eq, isNotNull, isNull } from 'drizzle-orm';
import { type Integration, integrations } from '../../drizzle/schema';
import type { Executor } from '../db/client';

export type IntegrationInsert = typeof integrations.$inferInsert;
export type IntegrationChanges = Partial<
  Pick<
    IntegrationInsert,
    | 'name'
    | 'status'
    | 'config'
    | 'secrets'
    | 'externalAccountId'
    | 'externalAccountVerifiedAt'
    | 'webhookToken'
    | 'lastSyncAt'
    | 'errorMessage'
  >
>;

export async function listIntegrations({
  db,
  tenantId,
  page,
  limit,
}: {
  db: Executor;
  tenantId: string;
  page: number;
  limit: number;
}): Promise<{ rows: Integration[]; total: number }> {
  const where = eq(integrations.tenantId, tenantId);
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(integrations)
      .where(where)
      .orderBy(asc(integrations.createdAt), asc(integrations.id))
      .limit(limit)
      .offset((page - 1) * limit),
    db.select({ total: count() }).from(integrations).where(where),
  ]);
  return { rows, total: Number(totals[0]?.total ?? 0) };
}

export async function findIntegration({
  db,
  tenantId,
  id,
}: {
  db: Executor;
  tenantId: string;
  id: string;
}): Promise<Integration | null> {
  const [row] = await db
    .select()
    .from(integrations)
    .where(and(eq(integrations.tenantId, tenantId), eq(integrations.id, id)))
    .limit(1);
  return row ?? null;
}

/** The tenant's integration of one kind (there is at most one per template). */
export async function findIntegrationByTemplate({
  db,
  tenantId,
  template,
}: {
  db: Executor;
  tenantId: string;
  template: string;
}): Promise<Integration | null> {
  const [row] = await db
    .select()
    .from(integrations)
    .where(and(eq(integrations.tenantId, tenantId), eq(integrations.template, template)))
    .limit(1);
  return row ?? null;
}

/**
 * Webhook routing: which tenant owns this provider account (GoHighLevel locationId, Fonnte number), i.e. whose
 * integration proved with its own credentials that it reaches the account. Claims not yet proved count for
 * nothing here.
 */
export async function findIntegrationByExternalAccount({
  db,
  template,
  externalAccountId,
}: {
  db: Executor;
  template: string;
  externalAccountId: string;
}): Promise<Integration | null> {
  const [row] = await db
    .select()
    .from(integrations)
    .where(
      and(
        eq(integrations.template, template),
        eq(integrations.externalAccountId, externalAccountId),
        isNotNull(integrations.externalAccountVerifiedAt),
      ),
    )
    .limit(1);
  return row ?? null;
}

/**
 * Records that a connection test proved the integration reaches `externalAccountId`, if that is still its
 * account (a PATCH may have changed it while the test ran). The first proof's time is kept.
 */
export async function markExternalAccountVerified({
  db,
  tenantId,
  id,
  externalAccountId,
  at,
}: {
  db: Executor;
  tenantId: string;
  id: string;
  externalAccountId: string;
  at: Date;
}): Promise<void> {
  await db
    .update(integrations)
    .set({ externalAccountVerifiedAt: at })
    .where(
      and(
        eq(integrations.tenantId, tenantId),
        eq(integrations.id, id),
        eq(integrations.externalAccountId, externalAccountId),
        isNull(integrations.externalAccountVerifiedAt),
      ),
    );
}

export async function insertIntegration({
  db,
  values,
}: {
  db: Executor;
  values: IntegrationInsert & { id: string };
}): Promise<Integration> {
  const [row] = await db.insert(integrations).values(values).returning();
  return row!;
}

export async function updateIntegration({
  db,
  tenantId,
  id,
  changes,
}: {
  db: Executor;
  tenantId: string;
  id: string;
  changes: IntegrationChanges;
}): Promise<Integration | null> {
  const [row] = await db
    .update(integrations)
    .set(changes)
    .where(and(eq(integrations.tenantId, tenantId), eq(integrations.id, id)))
    .returning();
  return row ?? null;
}

export async function deleteIntegration({
  db,
  tenantId,
  id,
}: {
  db: Executor;
  tenantId: string;
  id: string;
}): Promise<boolean> {
  const rows = await db
    .delete(integrations)
    .where(and(eq(integrations.tenantId, tenantId), eq(integrations.id, id)))
    .returning({ id: integrations.id });
  return rows.length > 0;
}
