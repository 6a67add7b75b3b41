// The writes of the tenant.provision job, each safe to repeat: a re-run after a crash at any point finds
// what the previous run created and adds only what is missing, converging to one complete tenant.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import {
  integrations,
  integrationTemplates,
  type TenantSettings,
  tenantProvisionings,
  tenants,
  users,
} from '../../drizzle/schema';
import type { Executor } from '../db/client';

/** Creates the owner unless the (tenant, e-mail) account exists already; returns its id either way. */
export async function ensureOwner({
  db,
  tenantId,
  owner,
}: {
  db: Executor;
  tenantId: string;
  owner: { email: string; name: string; passwordHash: string };
}): Promise<{ id: string; created: boolean }> {
  const inserted = await db
    .insert(users)
    .values({ tenantId, email: owner.email, name: owner.name, role: 'owner', passwordHash: owner.passwordHash })
    .onConflictDoNothing({ target: [users.tenantId, users.email] })
    .returning({ id: users.id });
  if (inserted[0]) return { id: inserted[0].id, created: true };
  const [existing] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.email, owner.email)));
  if (!existing) throw new Error('owner neither inserted nor found');
  return { id: existing.id, created: false };
}

export async function saveIntake({
  db,
  tenantId,
  intake,
}: {
  db: Executor;
  tenantId: string;
  intake: Record<string, unknown>;
}) {
  await db.update(tenants).set({ intake }).where(eq(tenants.id, tenantId));
}

export async function saveSettings({
  db,
  tenantId,
  settings,
}: {
  db: Executor;
  tenantId: string;
  settings: TenantSettings;
}) {
  await db.update(tenants).set({ settings }).where(eq(tenants.id, tenantId));
}

/**
 * One `pending` integration, with empty config, per active template the tenant has none of yet. The
 * tenant row is locked meanwhile so two runs cannot both decide a template is missing.
 */
export async function ensurePendingIntegrations({
  db,
  tenantId,
}: {
  db: Executor;
  tenantId: string;
}): Promise<{ created: string[]; existing: string[] }> {
  await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).for('update');
  const templates = await db
    .select({
      id: integrationTemplates.id,
      name: integrationTemplates.name,
      displayName: integrationTemplates.displayName,
    })
    .from(integrationTemplates)
    .where(eq(integrationTemplates.isActive, true))
    .orderBy(asc(integrationTemplates.name));
  const have = new Set(
    (
      await db
        .select({ templateId: integrations.templateId })
        .from(integrations)
        .where(eq(integrations.tenantId, tenantId))
    ).map((r) => r.templateId),
  );
  const missing = templates.filter((t) => !have.has(t.id));
  if (missing.length > 0) {
    await db.insert(integrations).values(
      missing.map((t) => ({
        tenantId,
        templateId: t.id,
        template: t.name,
        name: t.displayName,
        status: 'pending' as const,
        config: {},
        secrets: {},
      })),
    );
  }
  return {
    created: missing.map((t) => t.name),
    existing: templates.filter((t) => have.has(t.id)).map((t) => t.name),
  };
}

/** Opens the tenant and forgets the owner's password hash. Returns false if another run finished first. */
export async function markProvisioned({
  db,
  tenantId,
  at,
}: {
  db: Executor;
  tenantId: string;
  at: Date;
}): Promise<boolean> {
  const opened = await db
    .update(tenants)
    .set({ provisionedAt: at })
    .where(and(eq(tenants.id, tenantId), isNull(tenants.provisionedAt)))
    .returning({ id: tenants.id });
  await db
    .update(tenantProvisionings)
    .set({
      completedAt: sql`coalesce(${tenantProvisionings.completedAt}, ${at.toISOString()}::timestamptz)`,
      ownerPasswordHash: null,
    })
    .where(eq(tenantProvisionings.tenantId, tenantId));
  return opened.length > 0;
}
