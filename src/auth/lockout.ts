// Sign-in lockout (CONTRACT §4): 5 failures for one account (tenant, e-mail) within 15 minutes lock it until
// that window ends. Rows exist for unknown e-mails too, so a lock never reveals which e-mails have accounts.
//
// Counted per client network as well (src/lib/ip.ts addressBucket: an IPv4 address or an IPv6 /64), so a lock
// holds against the network the failures came from and nobody else: a stranger who guesses wrong locks the
// account for the stranger only, and its owner, signing in from anywhere else, is never locked out by it.
// Guessing is still bounded: five guesses per account per network per 15 minutes, and the per-IP `login`
// rate limit caps any one client across all accounts. (A lock per account alone let anyone hold an account
// shut for ever by sending five wrong passwords every 15 minutes.)
//
// A lock ends with its window (at most 15 minutes after the network's first failure): attempts during a lock
// are refused unchecked and never extend it, and a successful sign-in clears that network's record.
import { and, eq, sql } from 'drizzle-orm';
import { loginAttempts } from '../../drizzle/schema';
import type { Executor } from '../db/client';

export const LOCKOUT_MAX_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;

/**
 * Counts one sign-in attempt from a client network as a failure (a success clears it afterwards) in a single
 * upsert: concurrent attempts all count. A window older than 15 minutes starts over; the fifth failure inside
 * a window locks the account for that network until the window ends, and attempts after it are refused
 * (counting them never extends the lock: it ends with its window).
 */
export async function recordLoginAttempt({
  db,
  tenantId,
  email,
  network,
  now,
}: {
  db: Executor;
  tenantId: string;
  email: string;
  network: string;
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
      network,
      failures: 1,
      windowStartedAt: now,
      lockedUntil: LOCKOUT_MAX_FAILURES <= 1 ? new Date(now.getTime() + LOCKOUT_WINDOW_MS) : null,
    })
    .onConflictDoUpdate({
      target: [loginAttempts.tenantId, loginAttempts.email, loginAttempts.network],
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

/** A success clears the record of the network it came from; other networks' failures still count. */
export async function clearLoginFailures({
  db,
  tenantId,
  email,
  network,
}: {
  db: Executor;
  tenantId: string;
  email: string;
  network: string;
}) {
  await db
    .delete(loginAttempts)
    .where(
      and(eq(loginAttempts.tenantId, tenantId), eq(loginAttempts.email, email), eq(loginAttempts.network, network)),
    );
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
