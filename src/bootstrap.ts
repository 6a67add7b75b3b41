// Builds the process-wide dependencies once: database (migrated), clock, logger, metrics, caches.
// Entry points (Bun, Node, worker, edge) and tests all come through here.
import { createTokenService } from './auth/tokens';
import { createDatabase, type Database } from './db/client';
import { migrateDatabase } from './db/migrate';
import type { Env } from './env';
import { type Clock, systemClock } from './lib/clock';
import { createSecretBox } from './lib/crypto';
import type { Deps } from './lib/deps';
import { EventBus } from './lib/event-bus';
import { createLogger, type Logger } from './lib/logger';
import { createMetrics } from './lib/metrics';
import { createRateLimitStore } from './lib/rate-limit';
import type { RateLimitStore } from './lib/rate-limit/store';
import { TenantCache } from './lib/tenant-cache';
import { ensureIntegrationTemplates } from './repositories/integration-templates';

export type DepsOverrides = {
  database?: Database;
  clock?: Clock;
  log?: Logger;
  fetch?: typeof fetch;
  rateLimiter?: RateLimitStore;
  /** Skip applying migrations (the caller already did). */
  skipMigrations?: boolean;
};

export async function openDatabase(env: Env): Promise<Database> {
  return createDatabase(
    env.DATABASE_URL
      ? { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }
      : { dataDir: `${env.dataDir}/pglite` },
  );
}

export async function createDeps(env: Env, overrides: DepsOverrides = {}): Promise<Deps> {
  const database = overrides.database ?? (await openDatabase(env));
  if (!overrides.skipMigrations) await migrateDatabase(database);
  // Every database gets the built-in integration templates (idempotent; operator edits are kept).
  await ensureIntegrationTemplates(database.db);
  const clock = overrides.clock ?? systemClock;
  const log = overrides.log ?? createLogger(env.LOG_LEVEL, { service: 'showroom' });
  return {
    env,
    database,
    db: database.db,
    clock,
    log,
    metrics: createMetrics({ defaultMetrics: env.NODE_ENV !== 'test' }),
    bus: new EventBus(),
    tenants: new TenantCache({
      db: database.db,
      baseDomain: env.BASE_DOMAIN,
      ttlMs: env.TENANT_CACHE_TTL_MS,
      clock,
    }),
    tokens: createTokenService({
      keys: env.jwtKeys,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      ttlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      clock,
    }),
    secrets: createSecretBox(env.encryptionKeys),
    rateLimiter: overrides.rateLimiter ?? createRateLimitStore(env, database.db, log),
    fetch: overrides.fetch ?? fetch,
  };
}
