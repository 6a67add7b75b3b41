// In-process token buckets: the default store. Memory stays bounded: a bucket that has refilled to
// capacity is the same as no bucket, so those are swept, and at `maxKeys` the oldest go first.
import type { RateLimitGroup, RateLimitRule } from './config';
import { ceilSeconds, type RateLimitDecision, type RateLimitStore } from './store';

// A bucket is one number: the time (ms) at which it is full again. Tokens at time t are
// capacity − (fullAt − t) / interval, where interval is the time one token takes to come back, so
// taking a token moves fullAt one interval later (the GCRA form of a token bucket): a check is one
// subtraction and a comparison, and refill needs no bookkeeping.

/**
 * subject → bucket. A bucket is a one-field object updated in place: Map.get is cheap, while Map.set on
 * a large map (the bucket of a client seen a while ago) measured several times dearer.
 */
type Bucket = { fullAt: number };
type Buckets = Map<string, Bucket>;

export type MemoryStoreOptions = {
  maxKeys?: number;
  /** Sweep full buckets at most this often (ms of the caller's clock). */
  sweepIntervalMs?: number;
};

/** Tolerance (ms) for comparing sums of fractional intervals (60 000 ms / 7 tokens, say). */
const EPSILON_MS = 1e-6;

export class MemoryRateLimitStore implements RateLimitStore {
  readonly kind = 'memory' as const;
  /** group → scope → subject → fullAt: the strings are looked up as they come, never joined. */
  private readonly groups = new Map<RateLimitGroup, Map<string, Buckets>>();
  private count = 0;
  private readonly maxKeys: number;
  private readonly sweepIntervalMs: number;
  private lastSweep = 0;
  /** The latest time seen: a clock that steps back freezes refill instead of draining buckets. */
  private now = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxKeys = options.maxKeys ?? 100_000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    if (this.maxKeys < 1) throw new Error('MemoryRateLimitStore: maxKeys must be at least 1');
  }

  get size(): number {
    return this.count;
  }

  consume(
    group: RateLimitGroup,
    scope: string,
    subject: string,
    rule: RateLimitRule,
    nowMs: number,
  ): RateLimitDecision {
    if (nowMs > this.now) this.now = nowMs;
    else nowMs = this.now;
    const windowMs = rule.windowSeconds * 1000;
    const interval = windowMs / rule.capacity;
    let buckets = this.groups.get(group)?.get(scope);
    const bucket = buckets?.get(subject);
    // Time until full, before this request: 0 for a new or refilled bucket.
    const debt = bucket !== undefined && bucket.fullAt > nowMs ? bucket.fullAt - nowMs : 0;
    // At least one token left ⇔ debt ≤ (capacity − 1) intervals.
    if (debt > windowMs - interval + EPSILON_MS) {
      return {
        allowed: false,
        limit: rule.capacity,
        remaining: 0,
        resetSeconds: ceilSeconds(debt),
        retryAfterSeconds: Math.max(1, ceilSeconds(debt - (windowMs - interval))),
      };
    }
    const after = debt + interval;
    if (bucket !== undefined) bucket.fullAt = nowMs + after;
    else {
      if (nowMs - this.lastSweep >= this.sweepIntervalMs || this.count >= this.maxKeys) {
        this.sweep(nowMs);
        buckets = undefined; // the sweep may have dropped it
      }
      (buckets ?? this.bucketsFor(group, scope)).set(subject, { fullAt: nowMs + after });
      this.count++;
    }
    return {
      allowed: true,
      limit: rule.capacity,
      remaining: Math.floor((windowMs - after) / interval + 1e-9),
      resetSeconds: ceilSeconds(after),
      retryAfterSeconds: 0,
    };
  }

  /** Drops refilled buckets; if still at the bound, the oldest: oldest scopes first, oldest keys within. */
  sweep(nowMs: number): void {
    this.lastSweep = nowMs;
    for (const scopes of this.groups.values()) {
      for (const [scope, buckets] of scopes) {
        for (const [subject, bucket] of buckets) {
          if (bucket.fullAt <= nowMs) {
            buckets.delete(subject);
            this.count--;
          }
        }
        if (buckets.size === 0) scopes.delete(scope);
      }
    }
    // Room for one more, plus 1 % so a flood of new clients at the bound does not scan on every key.
    let excess = this.count - this.maxKeys + Math.max(1, Math.floor(this.maxKeys / 100));
    for (const scopes of this.groups.values()) {
      for (const [scope, buckets] of scopes) {
        if (excess <= 0) return;
        for (const subject of buckets.keys()) {
          buckets.delete(subject);
          this.count--;
          if (--excess <= 0) break;
        }
        if (buckets.size === 0) scopes.delete(scope);
      }
    }
  }

  private bucketsFor(group: RateLimitGroup, scope: string): Buckets {
    let scopes = this.groups.get(group);
    if (!scopes) {
      scopes = new Map();
      this.groups.set(group, scopes);
    }
    let buckets = scopes.get(scope);
    if (!buckets) {
      buckets = new Map();
      scopes.set(scope, buckets);
    }
    return buckets;
  }

  async close(): Promise<void> {
    this.groups.clear();
    this.count = 0;
  }
}
