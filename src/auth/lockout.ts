// Per-account sign-in lockout (CONTRACT §4): 5 failures for one (tenant, e-mail) within 15 minutes
// lock it until that window ends. Rows exist for unknown e-mails too, so a lock never reveals which
// e-mails have accounts.
//
// A lock ends with its window (at most 15 minutes after the first failure): attempts during a lock are
// refused unchecked and never extend it, a successful sign-in clears the record, and the per-IP `login`
// rate limit caps how fast any one client guesses. Known limit: a stranger who sends five wrong passwords
// every 15 minutes keeps an account locked; locks per (account, client network) would stop that.
import { and, eq, sql } from 'drizzle-orm';
import { loginAttempts } from '../../drizzle/schema';
import type { Executor } from '../db/client';

export const LOCKOUT_MAX_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;

/**
 * Counts one sign-in attempt as a failure (a success clears it afterwards) in a single upsert: concurrent
 * attempts all count. A window older than 15 minutes starts over; the fifth failure inside a window locks
 * the account until the window ends, and attempts after it are refused (counting them never extends the
 * lock: it ends with its window).
 */
export async function recordLoginAttempt({
  db,
  tenantId,
  email,
  now,
}: {
  db: Executor;
  tenantId: string;
  email: string;
  now: Date;
}): Promise<{ failures: number; lockedUntil: Date | null }> {
  const windowStart = new Date(now.getTime() - LOCKOUT_WINDOW_MS);
  const stale = sql`${loginAttempts.windowStartedAt} <= ${windowStart.toISOString()}::timestamptz`;
  const failures = sql`case when ${stale} then 1 else ${loginAttempts.failures} + 1 end`;
  const windowStartedAt = sql`case when ${stale} then ${now.toISOString()}::timestamptz else ${loginAttempts.windowStartedAt} end`;
  const [row] = await db
    .insert(loginAttempts)
    .values({
      tenantId,
      email,
      failures: 1,
      windowStartedAt: now,
      lockedUntil: LOCKOUT_MAX_FAILURES <= 1 ? new Date(now.getTime() + LOCKOUT_WINDOW_MS) : null,
    })
    .onConflictDoUpdate({
      target: [loginAttempts.tenantId, loginAttempts.email],
      set: {
        failures,
        windowStartedAt,
        lockedUntil: sql`case when ${failures} >= ${LOCKOUT_MAX_FAILURES}
          then ${windowStartedAt} + make_interval(secs => ${LOCKOUT_WINDOW_MS / 1000}) else null end`,
      },
    })
    .returning({ failures: loginAttempts.failures, lockedUntil: loginAttempts.lockedUntil });
  return { failures: row!.failures, lockedUntil: row!.lockedUntil };
}

export async function clearLoginFailures({ db, tenantId, email }: { db: Executor; tenantId: string; email: string }) {
  await db.delete(loginAttempts).where(and(eq(loginAttempts.tenantId, tenantId), eq(loginAttempts.email, email)));
}

/** Housekeeping: records whose window and lock have both passed carry no information. */
export async function purgeStaleLoginAttempts({ db, now }: { db: Executor; now: Date }): Promise<number> {
  const cutoff = new Date(now.getTime() - LOCKOUT_WINDOW_MS);
  const rows = await db
    .delete(loginAttempts)
    .where(
      sql`${loginAttempts.windowStartedAt} < ${cutoff.toISOString()}::timestamptz
          and coalesce(${loginAttempts.lockedUntil} < ${now.toISOString()}::timestamptz, true)`,
    )
    .returning({ email: loginAttempts.email });
  return rows.length;
}
