// Rows the AI tests need, written straight to the database: tenants, published and draft cars, and an
// `openai` integration whose API key is encrypted the way the integrations CRUD stores it.
import { eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { type Car, cars, integrations, integrationTemplates, type Tenant, tenants } from '../../drizzle/schema';
import type { Db } from '../../src/db/client';
import { findTemplateSeed } from '../../src/integrations/templates';
import type { SecretBox } from '../../src/lib/crypto';

let seq = 0;

export async function insertTenant(db: Db, values: Partial<typeof tenants.$inferInsert> = {}): Promise<Tenant> {
  const slug = values.slug ?? `ai${Date.now().toString(36)}${(seq++).toString(36)}`;
  const [tenant] = await db
    .insert(tenants)
    .values({ name: `Dealer ${slug}`, status: 'active', ...values, slug })
    .returning();
  return tenant!;
}

export async function insertCar(
  db: Db,
  tenantId: string,
  values: Partial<typeof cars.$inferInsert> & Pick<typeof cars.$inferInsert, 'brand' | 'model' | 'year' | 'price'>,
): Promise<Car> {
  const n = seq++;
  const title = values.title ?? `${values.year} ${values.brand} ${values.model}`;
  const [car] = await db
    .insert(cars)
    .values({
      slug: `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${n}`,
      displayCode: `C${n}`,
      title,
      transmission: 'automatic',
      fuel: 'petrol',
      mileageKm: 40_000,
      status: 'available',
      publishedAt: new Date(),
      ...values,
      tenantId,
    })
    .returning();
  return car!;
}

async function openaiTemplateId(db: Db): Promise<string> {
  const seed = findTemplateSeed('openai')!;
  await db
    .insert(integrationTemplates)
    .values({
      name: seed.name,
      displayName: seed.displayName,
      category: seed.category,
      configSchema: seed.configSchema,
      secretFields: seed.secretFields,
      setupInstructions: seed.setupInstructions,
    })
    .onConflictDoNothing();
  const [row] = await db.select().from(integrationTemplates).where(eq(integrationTemplates.name, 'openai'));
  return row!.id;
}

export async function insertOpenAIIntegration(
  db: Db,
  box: SecretBox,
  tenantId: string,
  options: { apiKey: string; model?: string; baseUrl?: string; status?: 'pending' | 'active' | 'error' },
) {
  const id = uuidv7();
  const [row] = await db
    .insert(integrations)
    .values({
      id,
      tenantId,
      templateId: await openaiTemplateId(db),
      template: 'openai',
      name: 'OpenAI',
      status: options.status ?? 'active',
      config: {
        ...(options.model ? { model: options.model } : {}),
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      },
      secrets: { apiKey: box.encrypt(options.apiKey, { tenantId, integrationId: id, field: 'apiKey' }) },
    })
    .returning();
  return row!;
}
