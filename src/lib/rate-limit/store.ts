// The one interface both rate-limit stores implement, and the token-bucket arithmetic they share
// (the PostgreSQL store repeats it in SQL so a check is a single statement).
import type { RateLimitRule } from './config';

export type RateLimitDecision = {
  allowed: boolean;
  /** The bucket's capacity (RateLimit-Limit). */
  limit: number;
  /** Whole tokens left after this request (RateLimit-Remaining). */
  remaining: number;
  /** Seconds until the bucket is full again (RateLimit-Reset). */
  resetSeconds: number;
  /** Seconds until the next request would be allowed; 0 when allowed (Retry-After). */
  retryAfterSeconds: number;
};

export interface RateLimitStore {
  readonly kind: 'memory' | 'postgres';
  /** Takes one token from the bucket `key` at time `nowMs`, or refuses when less than one is left. */
  consume(key: string, rule: RateLimitRule, nowMs: number): RateLimitDecision | Promise<RateLimitDecision>;
  close?(): Promise<void>;
}

/** Tokens per millisecond. */
export const refillRate = (rule: RateLimitRule) => rule.capacity / (rule.windowSeconds * 1000);

/** The decision for a bucket holding `tokensLeft` after this request (one taken if allowed). */
export function decide(rule: RateLimitRule, tokensLeft: number, allowed: boolean): RateLimitDecision {
  const rate = refillRate(rule);
  // Whole seconds, rounded up, ignoring floating-point dust (1800.0000000002 s is 1800 s).
  const seconds = (ms: number) => Math.ceil(ms / 1000 - 1e-6);
  return {
    allowed,
    limit: rule.capacity,
    remaining: Math.max(0, Math.floor(tokensLeft)),
    resetSeconds: Math.max(0, seconds((rule.capacity - tokensLeft) / rate)),
    retryAfterSeconds: allowed ? 0 : Math.max(1, seconds((1 - tokensLeft) / rate)),
  };
}
