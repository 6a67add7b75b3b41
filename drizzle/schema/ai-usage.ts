// Model calls and tokens per tenant per calendar month (UTC): the monthly call cap is enforced on
// `calls`, and the token columns are what a lead's AI qualification actually cost.
import { sql } from 'drizzle-orm';
import { bigint, check, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns';
import { tenants } from './tenants';

export const aiUsage = pgTable(
  'ai_usage',
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** 'YYYY-MM' in UTC, the way providers bill. */
    month: text().notNull(),
    /** Model calls started (reserved under the cap), whatever their outcome. */
    calls: integer().notNull().default(0),
    promptTokens: bigint({ mode: 'number' }).notNull().default(0),
    completionTokens: bigint({ mode: 'number' }).notNull().default(0),
    totalTokens: bigint({ mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('ai_usage_tenant_month_key').on(t.tenantId, t.month),
    check('ai_usage_month_format', sql`${t.month} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`),
  ],
);

export type AiUsage = typeof aiUsage.$inferSelect;
