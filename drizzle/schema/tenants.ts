// Tenants (dealerships) and the host names that route to them.
import { sql } from 'drizzle-orm';
import { boolean, check, index, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns';

export const tenantStatus = pgEnum('tenant_status', ['trial', 'active', 'suspended']);

export type TenantSettings = {
  autoReply: boolean;
  [key: string]: unknown;
};

export const tenants = pgTable(
  'tenants',
  {
    id: id(),
    slug: text().notNull(),
    name: text().notNull(),
    status: tenantStatus().notNull().default('trial'),
    locale: text().notNull().default('id-ID'),
    currency: text().notNull().default('IDR'),
    timezone: text().notNull().default('Asia/Jakarta'),
    whatsappNumber: text(),
    logoUrl: text(),
    settings: jsonb().$type<TenantSettings>().notNull().default({ autoReply: false }),
    /** Operator intake answers and the starter configuration chosen from them (platform issue). */
    intake: jsonb().$type<Record<string, unknown>>(),
    /**
     * When provisioning finished. A tenant reserved by POST /api/platform/tenants has null here and is
     * served nowhere until the tenant.provision job completes; rows inserted any other way (seed,
     * fixtures) default to now() and are live at once.
     */
    provisionedAt: tstz().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('tenants_slug_key').on(t.slug), check('tenants_slug_lower', sql`${t.slug} = lower(${t.slug})`)],
);

export const tenantDomains = pgTable(
  'tenant_domains',
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** Lower-cased host name without port or trailing dot. Unique across all tenants. */
    domain: text().notNull(),
    isPrimary: boolean().notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('tenant_domains_domain_key').on(t.domain),
    index('tenant_domains_tenant_id_idx').on(t.tenantId),
    check('tenant_domains_domain_lower', sql`${t.domain} = lower(${t.domain})`),
  ],
);

/**
 * What POST /api/platform/tenants asked for, kept apart from the tenant row (which the host cache holds)
 * until the tenant.provision job has applied it. The owner's password hash lives only here, never in the
 * job payload (readable through the jobs API), and is cleared when provisioning completes.
 */
export const tenantProvisionings = pgTable('tenant_provisionings', {
  tenantId: uuid()
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  ownerEmail: text().notNull(),
  ownerName: text().notNull(),
  ownerPasswordHash: text(),
  jobId: uuid(),
  completedAt: tstz(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type Tenant = typeof tenants.$inferSelect;
export type TenantProvisioning = typeof tenantProvisionings.$inferSelect;
export type TenantDomain = typeof tenantDomains.$inferSelect;
