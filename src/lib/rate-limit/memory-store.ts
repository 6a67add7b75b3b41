// In-process token buckets: the default store. Memory stays bounded: a bucket that has refilled to
// capacity is the same as no bucket, so those are swept, and beyond `maxKeys` the oldest go first.
import type { RateLimitRule } from './config';
import { decide, type RateLimitDecision, type RateLimitStore, refillRate } from './store';

type Bucket = { tokens: number; updatedAt: number; fullAt: number };

export type MemoryStoreOptions = {
  maxKeys?: number;
  /** Sweep full buckets at most this often (ms of the caller's clock). */
  sweepIntervalMs?: number;
};

export class MemoryRateLimitStore implements RateLimitStore {
  readonly kind = 'memory' as const;
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;
  private readonly sweepIntervalMs: number;
  private lastSweep = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxKeys = options.maxKeys ?? 100_000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    if (this.maxKeys < 1) throw new Error('MemoryRateLimitStore: maxKeys must be at least 1');
  }

  get size(): number {
    return this.buckets.size;
  }

  consume(key: string, rule: RateLimitRule, nowMs: number): RateLimitDecision {
    const rate = refillRate(rule);
    let bucket = this.buckets.get(key);
    let tokens: number;
    if (bucket) {
      tokens = Math.min(rule.capacity, bucket.tokens + Math.max(0, nowMs - bucket.updatedAt) * rate);
    } else {
      tokens = rule.capacity;
      if (nowMs - this.lastSweep >= this.sweepIntervalMs || this.buckets.size >= this.maxKeys) this.sweep(nowMs);
      bucket = { tokens, updatedAt: nowMs, fullAt: nowMs };
      this.buckets.set(key, bucket);
    }
    const allowed = tokens >= 1;
    if (allowed) tokens -= 1;
    bucket.tokens = tokens;
    bucket.updatedAt = nowMs;
    bucket.fullAt = nowMs + (rule.capacity - tokens) / rate;
    return decide(rule, tokens, allowed);
  }

  /** Drops refilled buckets; if still at the bound, the oldest-created ones (Map order). */
  sweep(nowMs: number): void {
    this.lastSweep = nowMs;
    for (const [key, bucket] of this.buckets) if (bucket.fullAt <= nowMs) this.buckets.delete(key);
    let excess = this.buckets.size - this.maxKeys + 1;
    if (excess <= 0) return;
    for (const key of this.buckets.keys()) {
      this.buckets.delete(key);
      if (--excess <= 0) break;
    }
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }
}
