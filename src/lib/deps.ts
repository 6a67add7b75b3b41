// Everything a request or a job needs from the outside world, built once per process in createDeps
// and handed to createApp/createWorker; tests build their own with fakes for time and providers.
import type { TokenService } from '../auth/tokens';
import type { Database, Db } from '../db/client';
import type { Env } from '../env';
import type { Clock } from './clock';
import type { SecretBox } from './crypto';
import type { EventBus } from './event-bus';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { RateLimitStore } from './rate-limit/store';
import type { TenantCache } from './tenant-cache';

export type Deps = {
  env: Env;
  database: Database;
  db: Db;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** In-process pub/sub: job wake-ups, job progress and inbox events for SSE. */
  bus: EventBus;
  /** Host → tenant resolution with a TTL cache. */
  tenants: TenantCache;
  tokens: TokenService;
  /** Encrypts and decrypts integration secrets (Env.encryptionKeys; the first key encrypts). */
  secrets: SecretBox;
  /** Token buckets for the rate-limit middleware (memory per process, or PostgreSQL shared). */
  rateLimiter: RateLimitStore;
  /** The fetch used for every outgoing provider call (tests may wrap it). */
  fetch: typeof fetch;
};
