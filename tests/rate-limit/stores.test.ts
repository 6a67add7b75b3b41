// Both rate-limit stores behind one interface give the same token-bucket answers; the memory store
// stays bounded, the PostgreSQL store cleans up refilled buckets.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/client';
import { parseIpv4 } from '../../src/lib/ip';
import type { RateLimitRule } from '../../src/lib/rate-limit/config';
import { MemoryRateLimitStore } from '../../src/lib/rate-limit/memory-store';
import { PostgresRateLimitStore } from '../../src/lib/rate-limit/postgres-store';
import type { RateLimitStore } from '../../src/lib/rate-limit/store';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const T0 = Date.parse('2026-06-01T00:00:00Z');
/** 5 tokens, refilled at 1 per 12 s. */
const rule: RateLimitRule = { capacity: 5, windowSeconds: 60 };
/** 7 tokens a minute: one every 8571.43 ms, so sums of intervals carry floating-point dust. */
const sevenPerMinute: RateLimitRule = { capacity: 7, windowSeconds: 60 };

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
}, 120_000);
afterAll(() => database.close());

const stores: [string, () => RateLimitStore][] = [
  ['memory', () => new MemoryRateLimitStore()],
  // The memory store keeps IPv4 clients in a table of their own: the same answers are asked of it.
  ['memory (IPv4 subjects)', () => new MemoryRateLimitStore()],
  // Housekeeping is off here: these tests jump the clock around, and a cleanup at "one hour later"
  // would delete the buckets the next test is filling at T0. Cleanup has its own test below.
  ['postgres', () => new PostgresRateLimitStore({ db: database.db, cleanupIntervalMs: Number.POSITIVE_INFINITY })],
];

for (const [name, make] of stores) {
  describe(`${name} store`, () => {
    let n = 0;
    const key = () => {
      n++;
      return name.includes('IPv4') ? `198.51.${n >> 8}.${n & 255}` : `${name}-test-${n}`;
    };

    test('a full bucket allows `capacity` requests, then refuses with Retry-After', async () => {
      const store = make();
      const k = key();
      const remaining: number[] = [];
      for (let i = 0; i < 5; i++) {
        const d = await store.consume('public', 'tenant-a', k, rule, T0);
        expect(d.allowed).toBe(true);
        remaining.push(d.remaining);
      }
      expect(remaining).toEqual([4, 3, 2, 1, 0]);
      const refused = await store.consume('public', 'tenant-a', k, rule, T0);
      expect(refused).toEqual({ allowed: false, limit: 5, remaining: 0, resetSeconds: 60, retryAfterSeconds: 12 });
    });

    test('tokens come back at capacity per window, never beyond capacity', async () => {
      const store = make();
      const k = key();
      for (let i = 0; i < 5; i++) await store.consume('public', 'tenant-a', k, rule, T0);
      expect((await store.consume('public', 'tenant-a', k, rule, T0 + 11_000)).allowed).toBe(false);
      const one = await store.consume('public', 'tenant-a', k, rule, T0 + 12_000);
      expect(one).toMatchObject({ allowed: true, remaining: 0 });
      expect((await store.consume('public', 'tenant-a', k, rule, T0 + 12_500)).retryAfterSeconds).toBe(12);
      // An hour later the bucket is full again, not overfull.
      const later = await store.consume('public', 'tenant-a', k, rule, T0 + 3_600_000);
      expect(later).toMatchObject({ allowed: true, remaining: 4, resetSeconds: 12 });
    });

    test('subjects, scopes and groups are independent', async () => {
      const store = make();
      const a = key();
      const b = key();
      for (let i = 0; i < 5; i++) await store.consume('public', 'tenant-a', a, rule, T0);
      expect((await store.consume('public', 'tenant-a', a, rule, T0)).allowed).toBe(false);
      expect((await store.consume('public', 'tenant-a', b, rule, T0)).allowed).toBe(true);
      expect((await store.consume('public', 'tenant-b', a, rule, T0)).remaining).toBe(4);
      expect((await store.consume('login', 'tenant-a', a, rule, T0)).remaining).toBe(4);
    });

    test('a rule whose interval is not a whole number of ms still hands out exactly `capacity`', async () => {
      const store = make();
      const k = key();
      const remaining: number[] = [];
      for (let i = 0; i < 7; i++)
        remaining.push((await store.consume('public', 'tenant-a', k, sevenPerMinute, T0)).remaining);
      expect(remaining).toEqual([6, 5, 4, 3, 2, 1, 0]);
      const refused = await store.consume('public', 'tenant-a', k, sevenPerMinute, T0);
      expect(refused).toEqual({ allowed: false, limit: 7, remaining: 0, resetSeconds: 60, retryAfterSeconds: 9 });
      expect((await store.consume('public', 'tenant-a', k, sevenPerMinute, T0 + 60_000)).remaining).toBe(6);
    });

    test('a clock that steps back never adds tokens', async () => {
      const store = make();
      const k = key();
      for (let i = 0; i < 5; i++) await store.consume('public', 'tenant-a', k, rule, T0);
      expect((await store.consume('public', 'tenant-a', k, rule, T0 - 60_000)).allowed).toBe(false);
    });

    test('nor does it drain them: refill pauses until the clock is back', async () => {
      const store = make();
      const k = key();
      await store.consume('public', 'tenant-a', k, rule, T0 + 7_200_000);
      const stepped = await store.consume('public', 'tenant-a', k, rule, T0 + 3_600_000);
      expect(stepped).toMatchObject({ allowed: true, remaining: 3 });
    });
  });
}

describe('memory store bounds', () => {
  test('refilled buckets are swept and the key count never exceeds maxKeys', () => {
    const store = new MemoryRateLimitStore({ maxKeys: 100, sweepIntervalMs: 1000 });
    for (let i = 0; i < 1000; i++) store.consume('public', 'tenant-a', `ip-${i}`, rule, T0);
    expect(store.size).toBeLessThanOrEqual(100);
    // 12 s later every bucket has refilled its one token: the next new key sweeps them all.
    store.consume('public', 'tenant-a', 'late', rule, T0 + 12_001);
    expect(store.size).toBe(1);
  });

  test('a bucket evicted for room starts full (the bound favours memory over precision)', () => {
    const store = new MemoryRateLimitStore({ maxKeys: 2 });
    for (let i = 0; i < 5; i++) store.consume('public', 'tenant-a', 'a', rule, T0);
    store.consume('public', 'tenant-a', 'b', rule, T0);
    store.consume('public', 'tenant-a', 'c', rule, T0); // evicts 'a', the oldest
    expect(store.size).toBe(2);
    expect(store.consume('public', 'tenant-a', 'a', rule, T0).allowed).toBe(true);
  });

  test('the bound counts buckets across groups and scopes; the oldest scope gives way first', () => {
    const store = new MemoryRateLimitStore({ maxKeys: 3 });
    for (let i = 0; i < 5; i++) store.consume('public', 'tenant-a', 'x', rule, T0);
    store.consume('login', 'tenant-b', 'x', rule, T0);
    store.consume('public', 'tenant-c', 'x', rule, T0);
    store.consume('public', 'tenant-c', 'y', rule, T0); // evicts tenant-a's bucket, the oldest
    expect(store.size).toBe(3);
    expect(store.consume('public', 'tenant-a', 'x', rule, T0).remaining).toBe(4);
  });
});

describe('memory store: IPv4 clients', () => {
  test('only canonical dotted quads are read as addresses; anything else is looked up by name', () => {
    expect(parseIpv4('0.0.0.0')).toBe(0);
    expect(parseIpv4('203.0.113.7')).toBe(203 * 2 ** 24 + 113 * 256 + 7);
    expect(parseIpv4('255.255.255.255')).toBe(2 ** 32 - 1);
    for (const other of [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '1.2.3.256',
      '01.2.3.4',
      '1.2.3.04',
      '1..3.4',
      '1.2.3.',
      ' 1.2.3.4',
      '1.2.3.4 ',
      '::1',
      '::ffff:1.2.3.4',
      'u:1.2.3.4',
      '1234.1.1.1',
    ]) {
      expect(parseIpv4(other)).toBe(-1);
    }
  });

  test('an address and its non-canonical spelling are different subjects, as before', () => {
    const store = new MemoryRateLimitStore();
    for (let i = 0; i < 5; i++) store.consume('public', 'tenant-a', '10.0.0.1', rule, T0);
    expect(store.consume('public', 'tenant-a', '10.0.0.1', rule, T0).allowed).toBe(false);
    expect(store.consume('public', 'tenant-a', '010.0.0.1', rule, T0).remaining).toBe(4);
  });

  test('20,000 clients in one scope: the table grows and every bucket keeps its count', () => {
    const store = new MemoryRateLimitStore();
    const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 20_000; i++) {
        expect(store.consume('public', 'tenant-a', ip(i), rule, T0).remaining).toBe(4 - round);
      }
    }
    expect(store.size).toBe(20_000);
    for (let i = 0; i < 20_000; i += 997)
      expect(store.consume('public', 'tenant-a', ip(i), rule, T0).allowed).toBe(false);
  });

  test('refilled address buckets are swept; at the bound the ones nearest to full go first', () => {
    const swept = new MemoryRateLimitStore({ maxKeys: 100, sweepIntervalMs: 1000 });
    for (let i = 0; i < 1000; i++) swept.consume('public', 'tenant-a', `10.0.${i >> 8}.${i & 255}`, rule, T0);
    expect(swept.size).toBeLessThanOrEqual(100);
    swept.consume('public', 'tenant-a', '10.9.9.9', rule, T0 + 12_001);
    expect(swept.size).toBe(1);

    const bounded = new MemoryRateLimitStore({ maxKeys: 3 });
    for (let i = 0; i < 5; i++) bounded.consume('public', 'tenant-a', '10.0.0.1', rule, T0); // drained
    bounded.consume('public', 'tenant-a', '10.0.0.2', rule, T0); // one token used: nearest to full
    for (let i = 0; i < 3; i++) bounded.consume('public', 'tenant-a', '10.0.0.3', rule, T0);
    bounded.consume('public', 'tenant-a', '10.0.0.4', rule, T0); // needs room: 10.0.0.2 gives way
    expect(bounded.size).toBe(3);
    expect(bounded.consume('public', 'tenant-a', '10.0.0.1', rule, T0).allowed).toBe(false);
    expect(bounded.consume('public', 'tenant-a', '10.0.0.3', rule, T0).remaining).toBe(1);
    expect(bounded.consume('public', 'tenant-a', '10.0.0.2', rule, T0).remaining).toBe(4);
  });

  test('a scope holding both kinds of subject sweeps and bounds them together', () => {
    const store = new MemoryRateLimitStore({ maxKeys: 4, sweepIntervalMs: 1000 });
    store.consume('admin', 'tenant-a', 'u:alice', rule, T0);
    store.consume('admin', 'tenant-a', '10.0.0.1', rule, T0);
    store.consume('admin', 'tenant-a', '2001:db8::1', rule, T0);
    store.consume('admin', 'tenant-a', '10.0.0.2', rule, T0);
    expect(store.size).toBe(4);
    store.consume('admin', 'tenant-a', '10.0.0.3', rule, T0);
    expect(store.size).toBeLessThanOrEqual(4);
    store.consume('admin', 'tenant-a', '10.0.0.4', rule, T0 + 12_001);
    expect(store.size).toBe(1);
  });
});

describe('postgres store housekeeping', () => {
  test('cleanup deletes only buckets that have refilled', async () => {
    const store = new PostgresRateLimitStore({ db: database.db });
    await store.consume('public', 'tenant-a', 'gc-busy', rule, T0);
    for (let i = 0; i < 5; i++) await store.consume('public', 'tenant-a', 'gc-drained', rule, T0);
    // At T0 + 30 s the single-use bucket is full again (12 s); the drained one is not (60 s).
    const deleted = await store.cleanup(T0 + 30_000);
    expect(deleted).toBeGreaterThanOrEqual(1);
    const rows = await queryRows<{ key: string }>(
      database.db,
      sql`select key from rate_limit_buckets where key like 'public:tenant-a:gc-%' order by key`,
    );
    expect(rows.map((r) => r.key)).toEqual(['public:tenant-a:gc-drained']);
    await store.close();
  });

  test('concurrent checks on one key hand out exactly `capacity` tokens', async () => {
    const store = new PostgresRateLimitStore({ db: database.db });
    const results = await Promise.all(
      Array.from({ length: 12 }, () => store.consume('public', 'tenant-a', 'race', rule, T0)),
    );
    expect(results.filter((r) => r.allowed).length).toBe(5);
  });
});
