// Benchmark catalogue: a fresh database with N tenants × M cars (plus one big tenant), written with
// multi-row INSERTs of literal values (fast, and no driver guessing about jsonb), then VACUUM ANALYZE.
import postgres from 'postgres';
import { uuidv7 } from 'uuidv7';
import { createDatabase } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { slugify } from '../../src/lib/slug';

export const MODELS = [
  ['Toyota', 'Avanza', '1.3 G', 'mpv', 'petrol', 'manual', 185],
  ['Toyota', 'Innova', '2.4 V', 'mpv', 'diesel', 'automatic', 365],
  ['Toyota', 'Fortuner', '2.8 VRZ', 'suv', 'diesel', 'automatic', 520],
  ['Toyota', 'Yaris Cross', '1.5 S HEV', 'suv', 'hybrid', 'automatic', 410],
  ['Toyota', 'Agya', '1.2 GR', 'hatchback', 'petrol', 'manual', 150],
  ['Honda', 'Brio', 'RS CVT', 'hatchback', 'petrol', 'automatic', 165],
  ['Honda', 'HR-V', '1.5 SE', 'suv', 'petrol', 'automatic', 345],
  ['Honda', 'Civic', '1.5 Turbo RS', 'sedan', 'petrol', 'automatic', 480],
  ['Honda', 'Jazz', 'RS', 'hatchback', 'petrol', 'automatic', 230],
  ['Mitsubishi', 'Xpander', 'Ultimate CVT', 'mpv', 'petrol', 'automatic', 255],
  ['Mitsubishi', 'Pajero Sport', 'Dakar', 'suv', 'diesel', 'automatic', 495],
  ['Suzuki', 'Ertiga', 'GX MT', 'mpv', 'petrol', 'manual', 175],
  ['Suzuki', 'Ignis', 'GX', 'hatchback', 'petrol', 'manual', 160],
  ['Daihatsu', 'Xenia', '1.3 R', 'mpv', 'petrol', 'manual', 170],
  ['Daihatsu', 'Terios', 'R Custom', 'suv', 'petrol', 'automatic', 240],
  ['Hyundai', 'Ioniq 5', 'Signature', 'suv', 'electric', 'automatic', 760],
  ['Hyundai', 'Creta', 'Prime', 'suv', 'petrol', 'automatic', 340],
  ['Wuling', 'Air ev', 'Long Range', 'hatchback', 'electric', 'automatic', 230],
  ['Nissan', 'Livina', 'VL CVT', 'mpv', 'petrol', 'automatic', 240],
  ['Mazda', 'CX-5', '2.5 Elite', 'suv', 'petrol', 'automatic', 520],
] as const;

export const BRANDS = [...new Set(MODELS.map((m) => m[0]))];
export const BODY_TYPES = ['mpv', 'suv', 'hatchback', 'sedan'];

const SENTENCES = [
  'Mobil keluarga terawat, servis rutin di bengkel resmi.',
  'Pajak panjang, surat lengkap, siap pakai.',
  'Tangan pertama, kilometer rendah, interior bersih.',
  'Irit bahan bakar, cocok untuk harian di kota.',
  'Bebas banjir dan tabrakan, mesin halus.',
  'Well maintained family car with full service records.',
  'One owner, low mileage, clean interior.',
  'Fuel efficient and ideal for daily city driving.',
  'Excellent condition, no flood or accident history.',
  'Spacious cabin, comfortable for long trips.',
];
const COLORS = ['Putih', 'Hitam', 'Silver', 'Abu-abu', 'Merah', 'Biru'];

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const lit = (v: string | null) => (v === null ? 'null' : `'${v.replace(/'/g, "''")}'`);

function carValues(tenantId: string, i: number, rand: () => number, now: number): string {
  const m = MODELS[Math.floor(rand() * MODELS.length)]!;
  const year = 2012 + Math.floor(rand() * 14);
  const age = Math.max(0, 2026 - year);
  const price = Math.max(
    10_000_000,
    Math.round((m[6] * 1_000_000 * (1 - age * 0.05) * (0.85 + rand() * 0.3)) / 500_000) * 500_000,
  );
  const r = rand();
  const status = r < 0.8 ? 'available' : r < 0.85 ? 'booking' : r < 0.95 ? 'sold' : 'draft';
  const title = `${year} ${m[0]} ${m[1]} ${m[2]}`;
  const description = `${SENTENCES[Math.floor(rand() * SENTENCES.length)]} ${SENTENCES[Math.floor(rand() * SENTENCES.length)]}`;
  const created = new Date(now - Math.floor(rand() * 730 * 86_400_000));
  const published = status === 'draft' ? null : new Date(created.getTime() + 3_600_000);
  const photos = [0, 1, 2].map((p) => ({
    url: `https://images.example/${tenantId.slice(-6)}/${i}/${p}.jpg`,
    alt: `${title} ${p}`,
    isPrimary: p === 0,
    position: p,
  }));
  return `(${[
    lit(uuidv7()),
    lit(tenantId),
    lit(`${slugify(title)}-${i}`),
    lit(`BN-${i}`),
    lit(title),
    lit(m[0]),
    lit(m[1]),
    lit(m[2]),
    year,
    price,
    Math.round((age * 12_000 + rand() * 20_000) / 100) * 100,
    lit(m[5]),
    lit(m[4]),
    lit(m[3]),
    lit(COLORS[Math.floor(rand() * COLORS.length)]!),
    lit(description),
    `${lit(JSON.stringify(['ABS', 'Airbag', 'Power steering']))}::jsonb`,
    i % 4 === 0 ? lit('Baret halus di bumper') : 'null',
    `${lit(JSON.stringify({ seats: m[3] === 'mpv' ? 7 : 5, engineCc: 1500 }))}::jsonb`,
    `${lit(JSON.stringify(photos))}::jsonb`,
    lit(status),
    published ? lit(published.toISOString()) : 'null',
    lit(created.toISOString()),
    lit(created.toISOString()),
  ].join(',')})`;
}

const CAR_COLUMNS =
  'id, tenant_id, slug, display_code, title, brand, model, variant, year, price, mileage_km, transmission, fuel, ' +
  'body_type, color, description, features, condition_notes, specs, photos, status, published_at, created_at, updated_at';

export type BenchTenant = { id: string; slug: string; host: string; cars: number };

export async function createBenchDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const database = await createDatabase({ url, poolSize: 2 });
  await migrateDatabase(database);
  await database.close();
  return url;
}

/** Inserts the tenants and their cars; returns them in order. */
export async function seedCatalogue(
  url: string,
  plan: { slug: string; cars: number }[],
  log: (msg: string) => void,
): Promise<BenchTenant[]> {
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  const now = Date.now();
  const out: BenchTenant[] = [];
  const batches: string[] = [];
  for (const [t, { slug, cars }] of plan.entries()) {
    const id = uuidv7();
    await sql`insert into tenants (id, slug, name, status) values (${id}, ${slug}, ${`Bench ${slug}`}, 'active')`;
    const rand = prng(t + 1);
    for (let i = 0; i < cars; i += 1000) {
      const rows: string[] = [];
      for (let j = i; j < Math.min(cars, i + 1000); j++) rows.push(carValues(id, j, rand, now));
      batches.push(`insert into cars (${CAR_COLUMNS}) values ${rows.join(',')}`);
    }
    out.push({ id, slug, host: `${slug}.localhost`, cars });
  }
  let done = 0;
  const started = performance.now();
  // Two writers: the generated tsvector and the GIN index make inserts CPU-bound in the server.
  const queue = [...batches];
  await Promise.all(
    [0, 1].map(async () => {
      for (let b = queue.shift(); b; b = queue.shift()) {
        await sql.unsafe(b);
        if (++done % 20 === 0) log(`  ${done}/${batches.length} batches of 1,000 cars`);
      }
    }),
  );
  log(`  inserted ${batches.length * 1000} cars in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await sql.end();
  await vacuumAnalyze(url);
  return out;
}

/** Fresh statistics (the planner's full-text estimates depend on them) and an all-visible map. */
export async function vacuumAnalyze(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql.unsafe('vacuum analyze');
  await sql.end();
}
