// Leads (one per tenant and phone) and the messages exchanged with them.
import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { cars } from './cars';
import { createdAt, id, tstz, updatedAt } from './columns';
import { tenants } from './tenants';
import { users } from './users';

export const leadSource = pgEnum('lead_source', ['whatsapp', 'ghl', 'web', 'manual']);
export const leadStatus = pgEnum('lead_status', ['new', 'hot', 'warm', 'cold', 'closed', 'lost']);
export const messageDirection = pgEnum('message_direction', ['in', 'out']);
export const messageChannel = pgEnum('message_channel', ['whatsapp', 'ghl', 'web', 'note']);
export const messageStatus = pgEnum('message_status', [
  'received',
  'draft',
  'queued',
  'sent',
  'delivered',
  'read',
  'failed',
]);

export const leads = pgTable(
  'leads',
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text(),
    /** E.164. Null only for CRM contacts that came without a phone. */
    phone: text(),
    email: text(),
    source: leadSource().notNull(),
    status: leadStatus().notNull().default('new'),
    score: integer().notNull().default(0),
    assignedTo: uuid().references(() => users.id, { onDelete: 'set null' }),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    carId: uuid().references(() => cars.id, { onDelete: 'set null' }),
    notes: text(),
    externalIds: jsonb().$type<Record<string, string>>().notNull().default({}),
    /** Latest qualification (rules or model): intent, interest, temperature, matched cars, path. */
    qualification: jsonb().$type<Record<string, unknown>>(),
    lastMessageAt: tstz(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('leads_tenant_phone_key').on(t.tenantId, t.phone),
    index('leads_tenant_created_idx').on(t.tenantId, t.createdAt),
    index('leads_tenant_status_idx').on(t.tenantId, t.status),
    index('leads_tenant_assigned_idx').on(t.tenantId, t.assignedTo),
    // One lead per GoHighLevel contact: concurrent deliveries for a new contact meet here (ON CONFLICT).
    uniqueIndex('leads_ghl_contact_key')
      .on(t.tenantId, sql`(${t.externalIds}->>'ghlContactId')`)
      .where(sql`(${t.externalIds}->>'ghlContactId') is not null`),
    check('leads_score_range', sql`${t.score} between 0 and 100`),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    leadId: uuid()
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    direction: messageDirection().notNull(),
    channel: messageChannel().notNull(),
    body: text().notNull(),
    status: messageStatus().notNull(),
    providerMessageId: text(),
    /** Staff member who wrote an outbound message or note. */
    authorId: uuid().references(() => users.id, { onDelete: 'set null' }),
    error: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('messages_lead_idx').on(t.tenantId, t.leadId, t.createdAt),
    index('messages_provider_id_idx').on(t.tenantId, t.providerMessageId),
  ],
);

export type Lead = typeof leads.$inferSelect;
export type Message = typeof messages.$inferSelect;
