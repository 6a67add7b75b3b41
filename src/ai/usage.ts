// The per-tenant monthly cap on model calls and the token bookkeeping behind "what a lead costs".
// The cap check and the increment are one statement, so concurrent jobs can never overshoot it.
import { and, eq, sql } from 'drizzle-orm';
import { type AiUsage, aiUsage } from '../../drizzle/schema';
import type { Executor } from '../db/client';
import type { Env } from '../env';

export type TokenUsage = { promptTokens: number; completionTokens: number; totalTokens: number };

/** The usage month, 'YYYY-MM' in UTC (providers bill by UTC month). */
export function usageMonth(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/**
 * The tenant's monthly call cap: `settings.aiMonthlyCallCap` when the operator set one for this
 * tenant, else AI_MONTHLY_CALL_CAP. 0 turns the model off (rules only).
 */
export function monthlyCallCap(
  settings: Record<string, unknown> | null | undefined,
  env: Pick<Env, 'AI_MONTHLY_CALL_CAP'>,
) {
  const own = settings?.aiMonthlyCallCap;
  if (typeof own === 'number' && Number.isInteger(own) && own >= 0) return own;
  return env.AI_MONTHLY_CALL_CAP;
}

/**
 * Counts one model call for the tenant's month if the count is still under `cap`; returns false
 * (and counts nothing) once the cap is reached. A reserved call stays counted whatever its outcome:
 * a timed-out or refused request may still be billed.
 */
export async function reserveModelCall({
  db,
  tenantId,
  month,
  cap,
}: {
  db: Executor;
  tenantId: string;
  month: string;
  cap: number;
}): Promise<boolean> {
  if (cap <= 0) return false;
  const rows = await db
    .insert(aiUsage)
    .values({ tenantId, month, calls: 1 })
    .onConflictDoUpdate({
      target: [aiUsage.tenantId, aiUsage.month],
      set: { calls: sql`${aiUsage.calls} + 1`, updatedAt: sql`now()` },
      setWhere: sql`${aiUsage.calls} < ${cap}`,
    })
    .returning({ calls: aiUsage.calls });
  return rows.length > 0;
}

/** Adds the tokens one call used to the tenant's month (the row exists once a call was reserved). */
export async function recordUsage({
  db,
  tenantId,
  month,
  usage,
}: {
  db: Executor;
  tenantId: string;
  month: string;
  usage: TokenUsage;
}): Promise<void> {
  await db
    .insert(aiUsage)
    .values({ tenantId, month, ...usage })
    .onConflictDoUpdate({
      target: [aiUsage.tenantId, aiUsage.month],
      set: {
        promptTokens: sql`${aiUsage.promptTokens} + ${usage.promptTokens}`,
        completionTokens: sql`${aiUsage.completionTokens} + ${usage.completionTokens}`,
        totalTokens: sql`${aiUsage.totalTokens} + ${usage.totalTokens}`,
        updatedAt: sql`now()`,
      },
    });
}

export async function findUsage({
  db,
  tenantId,
  month,
}: {
  db: Executor;
  tenantId: string;
  month: string;
}): Promise<AiUsage | null> {
  const [row] = await db
    .select()
    .from(aiUsage)
    .where(and(eq(aiUsage.tenantId, tenantId), eq(aiUsage.month, month)))
    .limit(1);
  return row ?? null;
}
