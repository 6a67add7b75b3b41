// Integration templates as tenants see them, and the start-up seeding of the built-in ones
// (fonnte, gohighlevel, openai) so every database has them, not only the demo one.
import { and, asc, eq, sql } from 'drizzle-orm';
import { type IntegrationTemplate, integrationTemplates } from '../../drizzle/schema';
import type { Executor } from '../db/client';
import { integrationTemplateSeeds } from '../integrations/templates';

/**
 * Inserts each built-in template that is missing, by name. Existing rows are left as they are: after
 * seeding the platform operator owns them (edits and deactivation survive restarts). Safe to run
 * concurrently from several processes.
 */
export async function ensureIntegrationTemplates(db: Executor): Promise<void> {
  await db
    .insert(integrationTemplates)
    .values(
      integrationTemplateSeeds.map((seed) => ({
        name: seed.name,
        displayName: seed.displayName,
        category: seed.category,
        configSchema: seed.configSchema,
        secretFields: seed.secretFields,
        setupInstructions: seed.setupInstructions,
      })),
    )
    .onConflictDoNothing({ target: integrationTemplates.name });
}

/** Active templates, the catalogue a tenant admin picks from. */
export async function listActiveTemplates({ db }: { db: Executor }): Promise<IntegrationTemplate[]> {
  return db
    .select()
    .from(integrationTemplates)
    .where(eq(integrationTemplates.isActive, true))
    .orderBy(asc(integrationTemplates.category), asc(integrationTemplates.name));
}

export async function findTemplateByName({
  db,
  name,
  activeOnly = true,
}: {
  db: Executor;
  name: string;
  activeOnly?: boolean;
}): Promise<IntegrationTemplate | null> {
  const [row] = await db
    .select()
    .from(integrationTemplates)
    .where(and(eq(integrationTemplates.name, name), activeOnly ? eq(integrationTemplates.isActive, true) : sql`true`))
    .limit(1);
  return row ?? null;
}
