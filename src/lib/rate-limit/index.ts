// Builds the configured rate-limit store (RATE_LIMIT_STORE) for createDeps.
import type { Executor } from '../../db/client';
import type { Env } from '../../env';
import type { Logger } from '../logger';
import { MemoryRateLimitStore } from './memory-store';
import { PostgresRateLimitStore } from './postgres-store';
import type { RateLimitStore } from './store';

export function createRateLimitStore(env: Env, db: Executor, log?: Logger): RateLimitStore {
  if (env.RATE_LIMIT_STORE === 'postgres') return new PostgresRateLimitStore({ db, ...(log ? { log } : {}) });
  return new MemoryRateLimitStore({ maxKeys: env.RATE_LIMIT_MEMORY_MAX_KEYS });
}

export type { RateLimitGroup, RateLimitRule } from './config';
export type { RateLimitDecision, RateLimitStore } from './store';
