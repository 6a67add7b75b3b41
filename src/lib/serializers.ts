// Public shapes of stored rows: only the fields the contract names, never internal columns.
import type { Tenant } from '../../drizzle/schema';

export function publicTenant(t: Tenant) {
  return {
    slug: t.slug,
    name: t.name,
    status: t.status,
    locale: t.locale,
    currency: t.currency,
    timezone: t.timezone,
    whatsappNumber: t.whatsappNumber,
    logoUrl: t.logoUrl,
    settings: { autoReply: Boolean(t.settings?.autoReply) },
  };
}
