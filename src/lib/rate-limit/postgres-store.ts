// Token buckets in PostgreSQL (rate_limit_buckets), shared by every service instance on one database.
// A check is one `insert … on conflict do update … where … returning` statement: the row lock makes
// concurrent checks on one key take turns, so instances never hand out the same token twice.
import { type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/client';
import type { Logger } from '../logger';
import type { RateLimitGroup, RateLimitRule } from './config';
import { bucketKey, decide, type RateLimitDecision, type RateLimitStore } from './store';

export type PostgresStoreOptions = {
  db: Executor;
  log?: Logger;
  /** How often (ms of the caller's clock) one instance deletes buckets that have refilled. */
  cleanupIntervalMs?: number;
  /** Rows deleted per cleanup statement, so a sweep never holds many locks. */
  cleanupBatch?: number;
};

export class PostgresRateLimitStore implements RateLimitStore {
  readonly kind = 'postgres' as const;
  private readonly cleanupIntervalMs: number;
  private readonly cleanupBatch: number;
  private lastCleanup = 0;
  private cleaning: Promise<number> | undefined;

  constructor(private readonly options: PostgresStoreOptions) {
    this.cleanupIntervalMs = options.cleanupIntervalMs ?? 60_000;
    this.cleanupBatch = options.cleanupBatch ?? 1000;
  }

  async consume(
    group: RateLimitGroup,
    scope: string,
    subject: string,
    rule: RateLimitRule,
    nowMs: number,
  ): Promise<RateLimitDecision> {
    const key = bucketKey(group, scope, subject);
    const now = new Date(nowMs).toISOString();
    const capacity = rule.capacity;
    /** Tokens per second. */
    const rate = rule.capacity / rule.windowSeconds;
    const refilled = (since: SQL) =>
      sql`least(${capacity}::float8, b.tokens + greatest(0, extract(epoch from (${since} - b.updated_at))::float8) * ${rate}::float8)`;
    const rows = await queryRows<{ tokens: number | string; allowed: boolean }>(
      this.options.db,
      sql`with up as (
        insert into rate_limit_buckets as b (key, tokens, updated_at, expires_at)
        values (${key}, ${capacity - 1}::float8, ${now}::timestamptz,
                ${now}::timestamptz + make_interval(secs => ${1 / rate}::float8))
        on conflict (key) do update set
          tokens = ${refilled(sql`excluded.updated_at`)} - 1,
          updated_at = excluded.updated_at,
          expires_at = excluded.updated_at
            + make_interval(secs => (${capacity}::float8 - (${refilled(sql`excluded.updated_at`)} - 1)) / ${rate}::float8)
          where ${refilled(sql`excluded.updated_at`)} >= 1
        returning b.tokens
      )
      select tokens::float8 as tokens, true as allowed from up
      union all
      select ${refilled(sql`${now}::timestamptz`)} as tokens, false as allowed
        from rate_limit_buckets b
       where b.key = ${key} and not exists (select 1 from up)`,
    );
    this.maybeCleanup(nowMs);
    const row = rows[0];
    // No row at all: a concurrent first insert we could not see yet took the bucket; refuse this one.
    if (!row) return decide(rule, 0, false);
    return decide(rule, Number(row.tokens), Boolean(row.allowed));
  }

  /** Deletes up to one batch of buckets that have refilled (equivalent to absent ones). */
  async cleanup(nowMs: number): Promise<number> {
    const rows = await queryRows<{ key: string }>(
      this.options.db,
      sql`delete from rate_limit_buckets where key in (
            select key from rate_limit_buckets where expires_at < ${new Date(nowMs).toISOString()}::timestamptz
            limit ${this.cleanupBatch} for update skip locked)
          returning key`,
    );
    return rows.length;
  }

  private maybeCleanup(nowMs: number) {
    if (this.lastCleanup === 0) this.lastCleanup = nowMs;
    if (this.cleaning || nowMs - this.lastCleanup < this.cleanupIntervalMs) return;
    this.lastCleanup = nowMs;
    this.cleaning = this.cleanup(nowMs)
      .catch((err) => {
        this.options.log?.warn('rate-limit cleanup failed', { err });
        return 0;
      })
      .finally(() => {
        this.cleaning = undefined;
      });
  }

  /** Waits for a cleanup in flight (so a closing database is not used afterwards). */
  async close(): Promise<void> {
    await this.cleaning;
  }
}
