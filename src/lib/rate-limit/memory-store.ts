// In-process token buckets: the default store. Memory stays bounded: a bucket that has refilled to
// capacity is the same as no bucket, so those are swept, and at `maxKeys` buckets are dropped to make room
// (oldest scope first; within it, other subjects in the order they came, then the IPv4 buckets nearest to full).
import { parseIpv4 } from '../ip';
import { RATE_LIMIT_GROUPS, type RateLimitGroup, type RateLimitRule } from './config';
import { ceilSeconds, type RateLimitDecision, type RateLimitStore } from './store';

// A bucket is one number: the time (ms) at which it is full again. Tokens at time t are
// capacity − (fullAt − t) / interval, where interval is the time one token takes to come back, so
// taking a token moves fullAt one interval later (the GCRA form of a token bucket): a check is one
// subtraction and a comparison, and refill needs no bookkeeping.

/**
 * A bucket of a subject other than an IPv4 address (IPv6, a user): a one-field object updated in place:
 * Map.get is cheap, while Map.set on a large map measured several times dearer.
 */
type Bucket = { fullAt: number };

/**
 * The buckets of one group and scope. IPv4 clients, nearly every request, sit in a flat table: open
 * addressing with linear probing over one Float64Array of (address + 1, fullAt) pairs, 0 marking a free
 * slot, so a check reads one pair where a Map of strings also hashes the text and visits the stored key
 * and a bucket object, all cold memory when the client comes back (bench/rate-limit). The table is
 * rebuilt to grow and to drop buckets. Other subjects are looked up by name.
 */
class ScopeBuckets {
  /** (address + 1, fullAt) pairs; a power of two of them, at most three quarters in use. */
  slots = new Float64Array(16);
  private shift = 29;
  ipv4Count = 0;
  readonly named = new Map<string, Bucket>();

  get size(): number {
    return this.ipv4Count + this.named.size;
  }

  /** The index of an address's pair: its own, or the free one where it belongs. */
  slot(address: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    const key = address + 1;
    // Fibonacci hashing: the top bits of address × 2³²/φ spread neighbouring addresses apart.
    let i = Math.imul(address, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const k = slots[i * 2]!;
      if (k === key || k === 0) return i;
      i = (i + 1) & mask;
    }
  }

  /** fullAt of the bucket at a slot; 0 for a free slot (no bucket: full). */
  fullAt(slot: number): number {
    return this.slots[slot * 2] === 0 ? 0 : this.slots[slot * 2 + 1]!;
  }

  /** Adds an address not yet present, growing the table past three quarters full. */
  addAddress(address: number, fullAt: number): void {
    if ((this.ipv4Count + 1) * 8 > this.slots.length * 3) this.rebuild(Number.NEGATIVE_INFINITY);
    const i = this.slot(address);
    this.slots[i * 2] = address + 1;
    this.slots[i * 2 + 1] = fullAt;
    this.ipv4Count++;
  }

  /**
   * Keeps the address buckets with fullAt above `keepAbove`, in a table at most half full (16 bytes a slot:
   * 5,000 clients take 128 KiB); returns how many went.
   */
  rebuild(keepAbove: number): number {
    const old = this.slots;
    let kept = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 && old[i + 1]! > keepAbove) kept++;
    let capacity = 8;
    while (capacity < kept * 2) capacity *= 2;
    this.slots = new Float64Array(capacity * 2);
    this.shift = 32 - Math.log2(capacity);
    const before = this.ipv4Count;
    this.ipv4Count = 0;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 && old[i + 1]! > keepAbove) {
        const j = this.slot(old[i]! - 1);
        this.slots[j * 2] = old[i]!;
        this.slots[j * 2 + 1] = old[i + 1]!;
        this.ipv4Count++;
      }
    }
    return before - this.ipv4Count;
  }

  /** fullAt of every address bucket, ascending. */
  sortedFullAt(): Float64Array {
    const out = new Float64Array(this.ipv4Count);
    let n = 0;
    for (let i = 0; i < this.slots.length; i += 2) if (this.slots[i] !== 0) out[n++] = this.slots[i + 1]!;
    return out.sort();
  }
}

export type MemoryStoreOptions = {
  maxKeys?: number;
  /** Sweep full buckets at most this often (ms of the caller's clock). */
  sweepIntervalMs?: number;
};

/** Tolerance (ms) for comparing sums of fractional intervals (60 000 ms / 7 tokens, say). */
const EPSILON_MS = 1e-6;

export class MemoryRateLimitStore implements RateLimitStore {
  readonly kind = 'memory' as const;
  /**
   * group → scope → buckets: the strings are looked up as they come, never joined. The groups are a
   * fixed set, so they are properties (a property read costs less than a Map lookup on the hot path).
   */
  private readonly groups = Object.fromEntries(
    RATE_LIMIT_GROUPS.map((group) => [group, new Map<string, ScopeBuckets>()]),
  ) as Record<RateLimitGroup, Map<string, ScopeBuckets>>;
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
    const buckets = this.groups[group]?.get(scope);
    const address = parseIpv4(subject);
    const table = address < 0 ? undefined : buckets;
    const slot = table ? table.slot(address) : -1;
    const bucket = address < 0 ? buckets?.named.get(subject) : undefined;
    const fullAt = table ? table.fullAt(slot) : (bucket?.fullAt ?? 0);
    // Time until full, before this request: 0 for a new or refilled bucket.
    const debt = fullAt > nowMs ? fullAt - nowMs : 0;
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
    else if (table && fullAt !== 0) table.slots[slot * 2 + 1] = nowMs + after;
    else this.add(group, scope, buckets, subject, address, nowMs, nowMs + after);
    return {
      allowed: true,
      limit: rule.capacity,
      remaining: Math.floor((windowMs - after) / interval + 1e-9),
      resetSeconds: ceilSeconds(after),
      retryAfterSeconds: 0,
    };
  }

  /** Adds a bucket; a new key may sweep first, to keep within maxKeys. */
  private add(
    group: RateLimitGroup,
    scope: string,
    found: ScopeBuckets | undefined,
    subject: string,
    address: number,
    nowMs: number,
    fullAt: number,
  ): void {
    let buckets = found;
    if (nowMs - this.lastSweep >= this.sweepIntervalMs || this.count >= this.maxKeys) {
      this.sweep(nowMs);
      buckets = undefined; // the sweep may have dropped it
    }
    buckets ??= this.bucketsFor(group, scope);
    if (address < 0) buckets.named.set(subject, { fullAt });
    else buckets.addAddress(address, fullAt);
    this.count++;
  }

  /**
   * Drops refilled buckets; if still at the bound, more: oldest scopes first; within one, other subjects
   * oldest first, then the IPv4 buckets nearest to full.
   */
  sweep(nowMs: number): void {
    this.lastSweep = nowMs;
    for (const scopes of Object.values(this.groups)) {
      for (const [scope, buckets] of scopes) {
        for (const [subject, bucket] of buckets.named) {
          if (bucket.fullAt <= nowMs) {
            buckets.named.delete(subject);
            this.count--;
          }
        }
        if (buckets.ipv4Count > 0) this.count -= buckets.rebuild(nowMs);
        if (buckets.size === 0) scopes.delete(scope);
      }
    }
    // Room for one more, plus 1 % so a flood of new clients at the bound does not scan on every key.
    let excess = this.count - this.maxKeys + Math.max(1, Math.floor(this.maxKeys / 100));
    for (const scopes of Object.values(this.groups)) {
      for (const [scope, buckets] of scopes) {
        if (excess <= 0) return;
        for (const subject of buckets.named.keys()) {
          buckets.named.delete(subject);
          this.count--;
          if (--excess <= 0) break;
        }
        if (excess > 0 && buckets.ipv4Count > 0) {
          const sorted = buckets.sortedFullAt();
          const dropped = buckets.rebuild(sorted[Math.min(excess, sorted.length) - 1]!);
          this.count -= dropped;
          excess -= dropped;
        }
        if (buckets.size === 0) scopes.delete(scope);
      }
    }
  }

  private bucketsFor(group: RateLimitGroup, scope: string): ScopeBuckets {
    const scopes = this.groups[group];
    if (!scopes) throw new Error(`MemoryRateLimitStore: unknown group ${group}`);
    let buckets = scopes.get(scope);
    if (!buckets) {
      buckets = new ScopeBuckets();
      scopes.set(scope, buckets);
    }
    return buckets;
  }

  async close(): Promise<void> {
    for (const scopes of Object.values(this.groups)) scopes.clear();
    this.count = 0;
  }
}
