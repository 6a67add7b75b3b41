// Car fixtures for the cars tests: a valid body and a direct repository insert (with a status) per call.
import type { CarStatus } from '../../drizzle/schema';
import type { Deps } from '../../src/lib/deps';
import { changeCarStatus, createCar, type NewCar } from '../../src/repositories/cars';

let n = 0;

export function carBody(overrides: Record<string, unknown> = {}) {
  n++;
  return {
    brand: 'Toyota',
    model: 'Avanza',
    variant: '1.3 G',
    year: 2019,
    price: 185_000_000,
    mileageKm: 45_000,
    transmission: 'manual',
    fuel: 'petrol',
    bodyType: 'mpv',
    color: 'Putih',
    description: 'Mobil keluarga terawat, irit bahan bakar. Well maintained family car.',
    features: ['ABS', 'Airbag'],
    specs: { seats: 7 },
    photos: [
      { url: 'https://img.example/1.jpg', alt: 'front', isPrimary: true },
      { url: 'https://img.example/2.jpg', alt: 'back', isPrimary: false },
    ],
    displayCode: `T-${n}-${Math.random().toString(36).slice(2, 7)}`,
    ...overrides,
  };
}

/** Inserts through the repository (so the catalogue version moves) and walks to the wanted status. */
export async function makeCar(deps: Deps, tenantId: string, status: CarStatus = 'available', overrides = {}) {
  const input = carBody(overrides) as unknown as NewCar;
  const car = await createCar({ db: deps.db, tenantId, input: { ...input, status: 'draft' } });
  const path: Record<CarStatus, CarStatus[]> = {
    draft: [],
    available: ['available'],
    booking: ['available', 'booking'],
    sold: ['available', 'sold'],
  };
  let current = car;
  for (const s of path[status]) current = (await changeCarStatus({ db: deps.db, tenantId, id: car.id, status: s })).car;
  return current;
}
