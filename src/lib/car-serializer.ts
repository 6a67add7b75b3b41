// The car shape of CONTRACT §3, the same for storefront and admin: only named fields, price also formatted
// in the tenant's locale and currency. Rows may come from either driver, so numbers and dates are normalised.
import type { CarPhoto, Tenant } from '../../drizzle/schema';
import type { CarRow } from '../repositories/cars-search';
import { formatPrice } from './money';

const iso = (d: Date | string | null): string | null =>
  d === null ? null : d instanceof Date ? d.toISOString() : new Date(d).toISOString();

export function serializeCar(car: CarRow, tenant: Pick<Tenant, 'locale' | 'currency'>) {
  const price = Number(car.price);
  return {
    id: car.id,
    slug: car.slug,
    displayCode: car.displayCode,
    title: car.title,
    brand: car.brand,
    model: car.model,
    variant: car.variant,
    year: car.year,
    price,
    priceFormatted: formatPrice(price, tenant.locale, tenant.currency),
    mileageKm: car.mileageKm,
    transmission: car.transmission,
    fuel: car.fuel,
    bodyType: car.bodyType,
    color: car.color,
    description: car.description,
    features: car.features ?? [],
    conditionNotes: car.conditionNotes,
    specs: car.specs ?? {},
    photos: (car.photos ?? []).map((p: CarPhoto) => ({
      url: p.url,
      alt: p.alt ?? null,
      isPrimary: Boolean(p.isPrimary),
      position: p.position,
    })),
    status: car.status,
    publishedAt: iso(car.publishedAt),
    createdAt: iso(car.createdAt)!,
    updatedAt: iso(car.updatedAt)!,
    version: car.version,
  };
}

export type CarResource = ReturnType<typeof serializeCar>;
