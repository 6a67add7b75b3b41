// Staff accounts of a tenant and their refresh-token families.
import { sql } from 'drizzle-orm';
import { index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns';
import { tenants } from './tenants';

export const userRole = pgEnum('user_role', ['owner', 'admin', 'sales']);
export const userStatus = pgEnum('user_status', ['active', 'disabled']);

export const users = pgTable(
  'users',
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** Stored lower-cased; unique per tenant. */
    email: text().notNull(),
    name: text().notNull(),
    role: userRole().notNull(),
    status: userStatus().notNull().default('active'),
    passwordHash: text().notNull(),
    lastLoginAt: tstz(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('users_tenant_email_key').on(t.tenantId, t.email),
    index('users_tenant_id_idx').on(t.tenantId, t.role),
  ],
);

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** All tokens rotated from one login share a family; reuse of a spent token revokes it. */
    familyId: uuid().notNull(),
    /** SHA-256 of the opaque token; the token itself is never stored. */
    tokenHash: text().notNull(),
    expiresAt: tstz().notNull(),
    usedAt: tstz(),
    revokedAt: tstz(),
    userAgent: text(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash),
    index('refresh_tokens_family_idx').on(t.tenantId, t.familyId),
    index('refresh_tokens_user_idx').on(t.tenantId, t.userId),
  ],
);

/**
 * Failed sign-ins per (tenant, e-mail, client network), the e-mail known or not, so lockout never reveals
 * which e-mails exist; per network so a stranger's failures lock only the stranger (src/auth/lockout.ts).
 */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    email: text().notNull(),
    /** The client's address bucket (src/lib/ip.ts addressBucket: an IPv4 address, an IPv6 /64, or `unknown`). */
    network: text().notNull(),
    failures: integer().notNull().default(0),
    windowStartedAt: tstz().notNull().defaultNow(),
    lockedUntil: tstz(),
  },
  (t) => [
    uniqueIndex('login_attempts_key').on(t.tenantId, t.email, t.network),
    index('login_attempts_locked_idx').on(t.lockedUntil).where(sql`${t.lockedUntil} is not null`),
  ],
);

export type User = typeof users.$inferSelect;
export type UserRole = (typeof userRole.enumValues)[number];
export type RefreshToken = typeof refreshTokens.$inferSelect;
