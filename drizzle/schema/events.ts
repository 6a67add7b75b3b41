// Raw webhook deliveries (dedupe + durability), the audit log and rate-limit buckets.
import { doublePrecision, index, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz } from './columns';
import { tenants } from './tenants';

export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    provider: text().notNull(),
    /** Provider event id (GHL webhookId, Fonnte inboxid) or a content hash when there is none. */
    eventId: text().notNull(),
    eventType: text(),
    payload: jsonb().notNull(),
    receivedAt: createdAt(),
    processedAt: tstz(),
  },
  (t) => [uniqueIndex('webhook_events_dedupe_key').on(t.tenantId, t.provider, t.eventId)],
);

export const actorType = pgEnum('actor_type', ['user', 'platform', 'system']);

export const auditLogs = pgTable(
  'audit_logs',
  {
    id: id(),
    /** Null for platform actions that concern no tenant. */
    tenantId: uuid().references(() => tenants.id, { onDelete: 'cascade' }),
    actorType: actorType().notNull(),
    actorId: uuid(),
    action: text().notNull(),
    targetType: text(),
    targetId: text(),
    /** Masked: last IPv4 octet / last 80 bits of IPv6 zeroed. */
    ip: text(),
    userAgent: text(),
    requestId: text(),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_logs_tenant_created_idx').on(t.tenantId, t.createdAt),
    index('audit_logs_tenant_action_idx').on(t.tenantId, t.action, t.createdAt),
    index('audit_logs_tenant_actor_idx').on(t.tenantId, t.actorId, t.createdAt),
  ],
);

/** Token buckets for the PostgreSQL rate-limit store. */
export const rateLimitBuckets = pgTable(
  'rate_limit_buckets',
  {
    key: text().primaryKey(),
    /** Double precision: a float4 bucket drifts (0.99999994 tokens) and refuses requests it should allow. */
    tokens: doublePrecision().notNull(),
    updatedAt: tstz().notNull().defaultNow(),
    expiresAt: tstz().notNull(),
  },
  (t) => [index('rate_limit_buckets_expires_idx').on(t.expiresAt)],
);

export type WebhookEvent = typeof webhookEvents.$inferSelect;
export type AuditLog = typeof auditLogs.$inferSelect;
