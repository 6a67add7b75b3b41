// Integration templates as the operator administers them (create, change, delete when unused). Templates
// are platform-wide, not tenant-owned; tenant routes read them elsewhere without secrets or usage counts.
import { asc, count, eq } from 'drizzle-orm';
import { type IntegrationTemplate, integrations, integrationTemplates } from '../../drizzle/schema';
import type { Executor } from '../db/client';

export type TemplateWithUsage = IntegrationTemplate & { inUse: number };

async function usage(db: Executor, templateId?: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ templateId: integrations.templateId, n: count() })
    .from(integrations)
    .where(templateId ? eq(integrations.templateId, templateId) : undefined)
    .groupBy(integrations.templateId);
  return new Map(rows.map((r) => [r.templateId, Number(r.n)]));
}

export async function listTemplates({
  db,
  page,
  limit,
}: {
  db: Executor;
  page: number;
  limit: number;
}): Promise<{ rows: TemplateWithUsage[]; total: number }> {
  const [rows, [totalRow], counts] = await Promise.all([
    db
      .select()
      .from(integrationTemplates)
      .orderBy(asc(integrationTemplates.name))
      .limit(limit)
      .offset((page - 1) * limit),
    db.select({ total: count() }).from(integrationTemplates),
    usage(db),
  ]);
  return { rows: rows.map((r) => ({ ...r, inUse: counts.get(r.id) ?? 0 })), total: Number(totalRow?.total ?? 0) };
}

export async function findTemplate({ db, id }: { db: Executor; id: string }): Promise<TemplateWithUsage | null> {
  const [row] = await db.select().from(integrationTemplates).where(eq(integrationTemplates.id, id));
  if (!row) return null;
  return { ...row, inUse: (await usage(db, id)).get(id) ?? 0 };
}

export async function insertTemplate({
  db,
  values,
}: {
  db: Executor;
  values: typeof integrationTemplates.$inferInsert;
}): Promise<IntegrationTemplate> {
  const [row] = await db.insert(integrationTemplates).values(values).returning();
  return row!;
}

export async function updateTemplate({
  db,
  id,
  values,
}: {
  db: Executor;
  id: string;
  values: Partial<typeof integrationTemplates.$inferInsert>;
}): Promise<IntegrationTemplate | null> {
  const [row] = await db.update(integrationTemplates).set(values).where(eq(integrationTemplates.id, id)).returning();
  return row ?? null;
}

/** Deletes the template if no integration uses it; the foreign key (restrict) settles any race. */
export async function deleteTemplate({ db, id }: { db: Executor; id: string }): Promise<boolean> {
  const rows = await db
    .delete(integrationTemplates)
    .where(eq(integrationTemplates.id, id))
    .returning({ id: integrationTemplates.id });
  return rows.length > 0;
}
