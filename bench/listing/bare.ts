// The baseline: a bare Hono + postgres.js handler running the same page and count SQL as the service (no
// middleware, no validation library, no caches), resolving the tenant from the Host header via a Map.
// `bun bench/listing/bare.ts` with DATABASE_URL, PORT and POOL_SIZE in the environment.
import { Hono } from 'hono';
import postgres from 'postgres';
import { formatPrice } from '../../src/lib/money';

const sql = postgres(process.env.DATABASE_URL!, {
  max: Number(process.env.POOL_SIZE ?? 10),
  onnotice: () => {},
  types: { int8: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) } },
});
const tenants = new Map<string, { id: string; locale: string; currency: string }>();
for (const t of await sql<{ id: string; slug: string; locale: string; currency: string }[]>`
  select id, slug, locale, currency from tenants`)
  tenants.set(`${t.slug}.localhost`, t);

const ORDER: Record<string, string> = {
  newest: 'published_at desc nulls last, id desc',
  price_asc: 'price, id',
  price_desc: 'price desc, id desc',
  year_desc: 'year desc, id desc',
  mileage_asc: 'mileage_km, id',
};
// The service's full-text query (src/repositories/car-text-query.ts): the tenant's lexeme AND the words,
// each word in its 'simple', English and Indonesian forms; ranked by the words alone.
const WORDS = (q: string) =>
  q
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .slice(0, 8);
const TSQ = (words: string[]) => {
  const one = (w: string) =>
    sql`(plainto_tsquery('simple', ${w}) || plainto_tsquery('english', ${w}) || plainto_tsquery('indonesian', ${w}))`;
  let out = one(words[0]!);
  for (const w of words.slice(1)) out = sql`${out} && ${one(w)}`;
  return sql`(${out})`;
};
const TENANT_TSQ = (tenantId: string) => sql`('t' || replace(${tenantId}::text, '-', ''))::tsquery`;
const none = sql``;
const int = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));

const app = new Hono().get('/api/cars', async (c) => {
  const tenant = tenants.get((c.req.header('host') ?? '').split(':')[0]!);
  if (!tenant) return c.json({ error: { code: 'tenant_not_found' } }, 404);
  const q = c.req.query();
  const page = int(q.page) ?? 1;
  const limit = int(q.limit) ?? 20;
  const words = q.q ? WORDS(q.q) : [];
  const [yearMin, yearMax, priceMin, priceMax] = [int(q.yearMin), int(q.yearMax), int(q.priceMin), int(q.priceMax)];
  const where = sql`tenant_id = ${tenant.id} and status in ('available', 'booking')
    ${q.brand ? sql`and lower(brand) = ${q.brand.toLowerCase()}` : none}
    ${q.model ? sql`and lower(model) = ${q.model.toLowerCase()}` : none}
    ${yearMin !== undefined ? sql`and year >= ${yearMin}` : none}
    ${yearMax !== undefined ? sql`and year <= ${yearMax}` : none}
    ${priceMin !== undefined ? sql`and price >= ${priceMin}` : none}
    ${priceMax !== undefined ? sql`and price <= ${priceMax}` : none}
    ${q.transmission ? sql`and transmission = ${q.transmission}` : none}
    ${q.fuel ? sql`and fuel = ${q.fuel}` : none}
    ${q.bodyType ? sql`and lower(body_type) = ${q.bodyType.toLowerCase()}` : none}
    ${words.length ? sql`and search @@ (${TENANT_TSQ(tenant.id)} && ${TSQ(words)})` : none}`;
  const order =
    !q.sort && words.length
      ? sql`ts_rank(search, ${TSQ(words)}) desc, published_at desc nulls last, id desc`
      : sql.unsafe(ORDER[q.sort ?? 'newest'] ?? ORDER.newest!);
  const [rows, [count]] = await Promise.all([
    sql`select id, slug, display_code, title, brand, model, variant, year, price, mileage_km, transmission, fuel,
      body_type, color, description, features, condition_notes, specs, photos, status, published_at, created_at,
      updated_at, version from cars where ${where} order by ${order} limit ${limit} offset ${(page - 1) * limit}`,
    sql`select count(*)::int as total from cars where ${where}`,
  ]);
  const total = count!.total as number;
  return c.json({
    data: rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      displayCode: r.display_code,
      title: r.title,
      brand: r.brand,
      model: r.model,
      variant: r.variant,
      year: r.year,
      price: r.price,
      priceFormatted: formatPrice(r.price, tenant.locale, tenant.currency),
      mileageKm: r.mileage_km,
      transmission: r.transmission,
      fuel: r.fuel,
      bodyType: r.body_type,
      color: r.color,
      description: r.description,
      features: r.features,
      conditionNotes: r.condition_notes,
      specs: r.specs,
      photos: r.photos,
      status: r.status,
      publishedAt: r.published_at?.toISOString() ?? null,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      version: r.version,
    })),
    meta: { page, limit, total, totalPages: Math.ceil(total / limit) },
  });
});

const server = Bun.serve({ port: Number(process.env.PORT ?? 3199), fetch: app.fetch });
process.stdout.write(`bare listening on ${server.port}\n`);
process.on('SIGTERM', () => {
  server.stop();
  void sql.end().then(() => process.exit(0));
});
