// Demo data for the embedded default (CONTRACT §9): two dealerships with ~30 cars each across all
// statuses, a few leads with messages, and an owner each. Never runs on a database that has tenants.
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { CarStatus } from '../../drizzle/schema';
import { cars, leads, messages, tenantDomains, tenants, users } from '../../drizzle/schema';
import { hashPassword } from '../auth/password';
import { slugify } from '../lib/slug';
import type { Database } from './client';

export const DEMO_PASSWORD = 'showroom-demo-password';

type Model = {
  brand: string;
  model: string;
  variant: string;
  bodyType: string;
  fuel: 'petrol' | 'diesel' | 'hybrid' | 'electric';
  transmission: 'manual' | 'automatic';
  basePrice: number;
};

const MODELS: Model[] = [
  {
    brand: 'Toyota',
    model: 'Avanza',
    variant: '1.3 G',
    bodyType: 'mpv',
    fuel: 'petrol',
    transmission: 'manual',
    basePrice: 185_000_000,
  },
  {
    brand: 'Toyota',
    model: 'Innova',
    variant: '2.4 V Diesel',
    bodyType: 'mpv',
    fuel: 'diesel',
    transmission: 'automatic',
    basePrice: 365_000_000,
  },
  {
    brand: 'Toyota',
    model: 'Fortuner',
    variant: '2.8 VRZ 4x2',
    bodyType: 'suv',
    fuel: 'diesel',
    transmission: 'automatic',
    basePrice: 520_000_000,
  },
  {
    brand: 'Toyota',
    model: 'Yaris Cross',
    variant: '1.5 S HEV',
    bodyType: 'suv',
    fuel: 'hybrid',
    transmission: 'automatic',
    basePrice: 410_000_000,
  },
  {
    brand: 'Honda',
    model: 'Brio',
    variant: 'RS CVT',
    bodyType: 'hatchback',
    fuel: 'petrol',
    transmission: 'automatic',
    basePrice: 165_000_000,
  },
  {
    brand: 'Honda',
    model: 'HR-V',
    variant: '1.5 SE',
    bodyType: 'suv',
    fuel: 'petrol',
    transmission: 'automatic',
    basePrice: 345_000_000,
  },
  {
    brand: 'Honda',
    model: 'Civic',
    variant: '1.5 Turbo RS',
    bodyType: 'sedan',
    fuel: 'petrol',
    transmission: 'automatic',
    basePrice: 480_000_000,
  },
  {
    brand: 'Mitsubishi',
    model: 'Xpander',
    variant: 'Ultimate CVT',
    bodyType: 'mpv',
    fuel: 'petrol',
    transmission: 'automatic',
    basePrice: 255_000_000,
  },
  {
    brand: 'Mitsubishi',
    model: 'Pajero Sport',
    variant: 'Dakar 4x2',
    bodyType: 'suv',
    fuel: 'diesel',
    transmission: 'automatic',
    basePrice: 495_000_000,
  },
  {
    brand: 'Suzuki',
    model: 'Ertiga',
    variant: 'GX MT',
    bodyType: 'mpv',
    fuel: 'petrol',
    transmission: 'manual',
    basePrice: 175_000_000,
  },
  {
    brand: 'Daihatsu',
    model: 'Xenia',
    variant: '1.3 R',
    bodyType: 'mpv',
    fuel: 'petrol',
    transmission: 'manual',
    basePrice: 170_000_000,
  },
  {
    brand: 'Hyundai',
    model: 'Ioniq 5',
    variant: 'Signature Long Range',
    bodyType: 'suv',
    fuel: 'electric',
    transmission: 'automatic',
    basePrice: 760_000_000,
  },
  {
    brand: 'Wuling',
    model: 'Air ev',
    variant: 'Long Range',
    bodyType: 'hatchback',
    fuel: 'electric',
    transmission: 'automatic',
    basePrice: 230_000_000,
  },
  {
    brand: 'Nissan',
    model: 'Livina',
    variant: 'VL CVT',
    bodyType: 'mpv',
    fuel: 'petrol',
    transmission: 'automatic',
    basePrice: 240_000_000,
  },
  {
    brand: 'Mazda',
    model: 'CX-5',
    variant: '2.5 Elite',
    bodyType: 'suv',
    fuel: 'petrol',
    transmission: 'automatic',
    basePrice: 520_000_000,
  },
];

const COLORS = ['Putih', 'Hitam', 'Silver', 'Abu-abu', 'Merah', 'Biru'];
const DESCRIPTIONS = [
  'Mobil keluarga terawat, servis rutin di bengkel resmi, pajak panjang. Well maintained family car with full service records.',
  'Tangan pertama, kilometer rendah, interior bersih dan wangi. One owner, low mileage, clean interior.',
  'Kondisi istimewa, siap pakai, bebas banjir dan tabrakan. Excellent condition, no flood or accident history.',
  'Irit bahan bakar, cocok untuk harian di kota. Fuel efficient, ideal for daily city driving.',
];

/** Deterministic pseudo-random numbers so the demo looks the same on every machine. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

function statusFor(i: number): CarStatus {
  if (i % 10 === 3) return 'draft';
  if (i % 10 === 7) return 'sold';
  if (i % 10 === 5) return 'booking';
  return 'available';
}

export type DemoTenant = { slug: string; name: string; host: string; ownerEmail: string };

export async function seedDemo(database: Database): Promise<DemoTenant[] | null> {
  const { db } = database;
  const demo = [
    { slug: 'demo', name: 'Demo Motors', code: 'DM', whatsapp: '+6281100000001', seed: 1 },
    { slug: 'acme', name: 'Acme Auto', code: 'AA', whatsapp: '+6281100000002', seed: 2 },
  ];
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    // Serialise concurrent starters, then re-check emptiness inside the transaction.
    await tx.execute(sql`select pg_advisory_xact_lock(7303102)`);
    const existing = await tx.select({ id: tenants.id }).from(tenants).limit(1);
    if (existing.length > 0) return null;
    const created: DemoTenant[] = [];
    for (const t of demo) {
      const rand = prng(t.seed);
      const tenantId = uuidv7();
      await tx.insert(tenants).values({
        id: tenantId,
        slug: t.slug,
        name: t.name,
        status: 'active',
        whatsappNumber: t.whatsapp,
        settings: { autoReply: false },
      });
      await tx.insert(tenantDomains).values({ tenantId, domain: `www.${t.slug}-motors.test`, isPrimary: true });
      const ownerId = uuidv7();
      const ownerEmail = `owner@${t.slug}.test`;
      await tx.insert(users).values([
        { id: ownerId, tenantId, email: ownerEmail, name: `${t.name} Owner`, role: 'owner', passwordHash },
        { tenantId, email: `sales@${t.slug}.test`, name: `${t.name} Sales`, role: 'sales', passwordHash },
      ]);
      const carRows = [];
      for (let i = 0; i < 30; i++) {
        const m = MODELS[(i + t.seed * 3) % MODELS.length]!;
        const year = 2015 + Math.floor(rand() * 10);
        const age = 2026 - year;
        const price = Math.round((m.basePrice * (1 - age * 0.06) * (0.9 + rand() * 0.2)) / 1_000_000) * 1_000_000;
        const status = statusFor(i);
        const title = `${year} ${m.brand} ${m.model} ${m.variant}`;
        const now = Date.now() - (30 - i) * 86_400_000;
        carRows.push({
          tenantId,
          slug: slugify(title) + (i >= MODELS.length ? `-${Math.floor(i / MODELS.length) + 1}` : ''),
          displayCode: `${t.code}-${String(i + 1).padStart(3, '0')}`,
          title,
          brand: m.brand,
          model: m.model,
          variant: m.variant,
          year,
          price,
          mileageKm: Math.round((age * 12_000 + rand() * 20_000) / 100) * 100,
          transmission: m.transmission,
          fuel: m.fuel,
          bodyType: m.bodyType,
          color: COLORS[Math.floor(rand() * COLORS.length)]!,
          description: DESCRIPTIONS[i % DESCRIPTIONS.length]!,
          features: ['Airbag', 'ABS', m.transmission === 'automatic' ? 'Cruise control' : 'Power steering'],
          conditionNotes: i % 4 === 0 ? 'Baret halus di bumper belakang' : null,
          specs: {
            engineCc: m.fuel === 'electric' ? 0 : 1300 + (i % 5) * 300,
            seats: m.bodyType === 'mpv' ? 7 : 5,
          },
          photos: [
            {
              url: `https://images.showroom.app/${t.slug}/${i + 1}/front.jpg`,
              alt: `${title} depan`,
              isPrimary: true,
              position: 0,
            },
            {
              url: `https://images.showroom.app/${t.slug}/${i + 1}/interior.jpg`,
              alt: `${title} interior`,
              isPrimary: false,
              position: 1,
            },
          ],
          status,
          publishedAt: status === 'draft' ? null : new Date(now),
          createdAt: new Date(now),
          updatedAt: new Date(now),
        });
      }
      const insertedCars = await tx.insert(cars).values(carRows).returning({ id: cars.id });
      const people = [
        {
          name: 'Budi Santoso',
          phone: '+6281234567801',
          source: 'whatsapp' as const,
          status: 'new' as const,
          text: 'Halo, Avanza 2019 masih ada? Budget 180jt',
        },
        {
          name: 'Siti Rahma',
          phone: '+6281234567802',
          source: 'web' as const,
          status: 'warm' as const,
          text: 'Saya tertarik dengan mobil ini, bisa test drive hari Sabtu?',
        },
        {
          name: 'Andi Wijaya',
          phone: '+6281234567803',
          source: 'whatsapp' as const,
          status: 'hot' as const,
          text: 'Mau ambil Fortuner matic, bisa kredit DP 30%?',
        },
        {
          name: 'Dewi Lestari',
          phone: '+6281234567804',
          source: 'manual' as const,
          status: 'cold' as const,
          text: 'Tanya harga Brio RS dulu ya',
        },
      ];
      for (const [i, p] of people.entries()) {
        const leadId = uuidv7();
        const at = new Date(Date.now() - (people.length - i) * 3_600_000);
        await tx.insert(leads).values({
          id: leadId,
          tenantId,
          name: p.name,
          phone: p.phone,
          source: p.source,
          status: p.status,
          score: p.status === 'hot' ? 80 : p.status === 'warm' ? 55 : p.status === 'cold' ? 20 : 0,
          carId: insertedCars[i * 3]?.id ?? null,
          lastMessageAt: at,
          createdAt: at,
          updatedAt: at,
        });
        await tx.insert(messages).values({
          tenantId,
          leadId,
          direction: 'in',
          channel: p.source === 'web' ? 'web' : p.source === 'manual' ? 'note' : 'whatsapp',
          body: p.text,
          status: 'received',
          createdAt: at,
          updatedAt: at,
        });
      }
      created.push({ slug: t.slug, name: t.name, host: `${t.slug}.localhost`, ownerEmail });
    }
    return created;
  });
}
