// The one interface both rate-limit stores implement, and the token-bucket arithmetic they share
// (the PostgreSQL store repeats it in SQL so a check is a single statement).
import type { RateLimitGroup, RateLimitRule } from './config';

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

/**
 * A bucket is named by its group, a scope (the tenant, or the webhook provider) and a subject within
 * the scope (client IP or user). Three parts rather than one joined string: the memory store keys
 * nested maps by them, so the hot path builds no string per request.
 */
export interface RateLimitStore {
  readonly kind: 'memory' | 'postgres';
  /** Takes one token from the bucket at time `nowMs`, or refuses when less than one is left. */
  consume(
    group: RateLimitGroup,
    scope: string,
    subject: string,
    rule: RateLimitRule,
    nowMs: number,
  ): RateLimitDecision | Promise<RateLimitDecision>;
  close?(): Promise<void>;
}

/** The single-string form of a bucket's name (the PostgreSQL store's primary key). */
export const bucketKey = (group: RateLimitGroup, scope: string, subject: string) => `${group}:${scope}:${subject}`;

/** Tokens per millisecond. */
export const refillRate = (rule: RateLimitRule) => rule.capacity / (rule.windowSeconds * 1000);

/** Whole seconds, rounded up, ignoring floating-point dust (1800.0000000002 s is 1800 s). */
export const ceilSeconds = (ms: number) => Math.ceil(ms / 1000 - 1e-6);

/** The decision for a bucket holding `tokensLeft` after this request (one taken if allowed). */
export function decide(rule: RateLimitRule, tokensLeft: number, allowed: boolean): RateLimitDecision {
  const rate = refillRate(rule);
  return {
    allowed,
    limit: rule.capacity,
    remaining: Math.max(0, Math.floor(tokensLeft + 1e-9)),
    resetSeconds: Math.max(0, ceilSeconds((rule.capacity - tokensLeft) / rate)),
    retryAfterSeconds: allowed ? 0 : Math.max(1, ceilSeconds((1 - tokensLeft) / rate)),
  };
}
