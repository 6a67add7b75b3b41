// Cars and leads inserted directly, for tests of the leads area (the inventory API lives elsewhere).
import { uuidv7 } from 'uuidv7';
import { type Car, cars, type Lead, leads } from '../../drizzle/schema';
import type { Executor } from '../../src/db/client';

let n = 0;

export async function insertCar(
  db: Executor,
  tenantId: string,
  values: Partial<typeof cars.$inferInsert> & { brand: string; model: string; year: number; price: number },
): Promise<Car> {
  n++;
  const title =
    values.title ?? `${values.year} ${values.brand} ${values.model}${values.variant ? ` ${values.variant}` : ''}`;
  const [car] = await db
    .insert(cars)
    .values({
      tenantId,
      slug: `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${n}`,
      displayCode: `C${n}`,
      transmission: 'automatic',
      fuel: 'petrol',
      status: 'available',
      publishedAt: new Date(Date.UTC(2026, 0, 1, 0, n)),
      ...values,
      title,
    })
    .returning();
  return car!;
}

export async function insertLead(
  db: Executor,
  tenantId: string,
  values: Partial<typeof leads.$inferInsert> = {},
): Promise<Lead> {
  n++;
  const [lead] = await db
    .insert(leads)
    .values({
      id: uuidv7(),
      tenantId,
      phone: `+62812${String(10_000_000 + n).slice(-8)}`,
      source: 'web',
      name: `Lead ${n}`,
      ...values,
    })
    .returning();
  return lead!;
}
