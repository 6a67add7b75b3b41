// Integration templates (platform-level) and each tenant's configured integrations.
import { sql } from 'drizzle-orm';
import { boolean, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns';
import { tenants } from './tenants';

export const integrationStatus = pgEnum('integration_status', ['pending', 'active', 'error', 'disconnected']);

export const integrationTemplates = pgTable(
  'integration_templates',
  {
    id: id(),
    /** Stable machine name: fonnte, gohighlevel, openai. */
    name: text().notNull(),
    displayName: text().notNull(),
    category: text().notNull(),
    /** JSON Schema (draft 2020-12) of the config object. */
    configSchema: jsonb().$type<Record<string, unknown>>().notNull(),
    secretFields: text().array().notNull().default(sql`'{}'::text[]`),
    setupInstructions: text().notNull().default(''),
    isActive: boolean().notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('integration_templates_name_key').on(t.name)],
);

/** An encrypted secret value: AES-256-GCM, key id for rotation, tenant+integration bound as AAD. */
export type EncryptedValue = { kid: string; iv: string; ct: string };

export const integrations = pgTable(
  'integrations',
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    templateId: uuid()
      .notNull()
      .references(() => integrationTemplates.id, { onDelete: 'restrict' }),
    /** Denormalised template name, so webhook lookups need no join. */
    template: text().notNull(),
    name: text().notNull(),
    status: integrationStatus().notNull().default('pending'),
    /** Non-secret config fields. */
    config: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** Secret config fields, each encrypted. */
    secrets: jsonb().$type<Record<string, EncryptedValue>>().notNull().default({}),
    /** The provider-side account this integration routes from (GHL locationId, Fonnte device number). */
    externalAccountId: text(),
    /**
     * When a connection test proved that this integration's own credentials reach that account. Until then
     * the account is only claimed: it routes no webhooks and keeps no other dealership from connecting it.
     */
    externalAccountVerifiedAt: tstz(),
    /** Credential for webhooks from providers that sign nothing (Fonnte): random, compared in constant time. */
    webhookToken: text(),
    lastSyncAt: tstz(),
    errorMessage: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One integration per provider per tenant: webhooks and jobs pick "the" Fonnte or GoHighLevel account.
    uniqueIndex('integrations_tenant_template_key').on(t.tenantId, t.template),
    // A provider account (GHL location, WhatsApp number) routes to exactly one tenant: the one whose
    // credentials were proved to reach it. Claims alone are not unique, so typing in another dealer's
    // location id first neither routes its events nor locks the dealer out.
    uniqueIndex('integrations_external_account_key')
      .on(t.template, t.externalAccountId)
      .where(sql`${t.externalAccountVerifiedAt} is not null`),
    uniqueIndex('integrations_webhook_token_key').on(t.webhookToken),
  ],
);

export type IntegrationTemplate = typeof integrationTemplates.$inferSelect;
export type Integration = typeof integrations.$inferSelect;
