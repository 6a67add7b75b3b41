// Refresh-token rows: only the SHA-256 of each opaque token is stored. Tokens rotated from one sign-in
// share a family so that a spent token presented again can revoke every token of that session.
import { and, eq, isNull, type SQL } from 'drizzle-orm';
import { type RefreshToken, refreshTokens } from '../../drizzle/schema';
import type { Executor } from '../db/client';

export async function insertRefreshToken({
  db,
  tenantId,
  values,
}: {
  db: Executor;
  tenantId: string;
  values: { userId: string; familyId: string; tokenHash: string; expiresAt: Date; userAgent: string | null };
}): Promise<RefreshToken> {
  const [row] = await db
    .insert(refreshTokens)
    .values({ ...values, tenantId })
    .returning();
  return row!;
}

export async function findRefreshTokenByHash({
  db,
  tenantId,
  tokenHash,
}: {
  db: Executor;
  tenantId: string;
  tokenHash: string;
}): Promise<RefreshToken | null> {
  const [row] = await db
    .select()
    .from(refreshTokens)
    .where(and(eq(refreshTokens.tenantId, tenantId), eq(refreshTokens.tokenHash, tokenHash)))
    .limit(1);
  return row ?? null;
}

/** Marks a token spent only if nobody spent or revoked it first: exactly one of two racing refreshes wins. */
export async function spendRefreshToken({
  db,
  tenantId,
  id,
  at,
}: {
  db: Executor;
  tenantId: string;
  id: string;
  at: Date;
}): Promise<boolean> {
  const rows = await db
    .update(refreshTokens)
    .set({ usedAt: at })
    .where(
      and(
        eq(refreshTokens.tenantId, tenantId),
        eq(refreshTokens.id, id),
        isNull(refreshTokens.usedAt),
        isNull(refreshTokens.revokedAt),
      ),
    )
    .returning({ id: refreshTokens.id });
  return rows.length === 1;
}

/**
 * Revokes every unrevoked token matching `where`, including one a refresh running right now is issuing.
 * Under READ COMMITTED an UPDATE that waits for a refresh's lock on the token it spends rechecks that row
 * only: the new token the refresh inserts in the same transaction is not in the UPDATE's snapshot and would
 * survive, keeping alive the very session being ended. So the UPDATE is repeated until it finds nothing
 * left: each repeat sees what committed meanwhile, and a refresh can spend only an unrevoked token.
 */
async function revokeAll(db: Executor, where: SQL | undefined, at: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await db
      .update(refreshTokens)
      .set({ revokedAt: at })
      .where(and(where, isNull(refreshTokens.revokedAt)))
      .returning({ id: refreshTokens.id });
    if (rows.length === 0) return total;
    total += rows.length;
  }
}

/** Ends a session: every token of the family, including one being issued now (revokeAll). */
export async function revokeRefreshFamily({
  db,
  tenantId,
  familyId,
  at,
}: {
  db: Executor;
  tenantId: string;
  familyId: string;
  at: Date;
}): Promise<number> {
  return revokeAll(db, and(eq(refreshTokens.tenantId, tenantId), eq(refreshTokens.familyId, familyId)), at);
}

/** Ends every session of a user (password change, disabling), including a token being issued now. */
export async function revokeUserRefreshTokens({
  db,
  tenantId,
  userId,
  at,
}: {
  db: Executor;
  tenantId: string;
  userId: string;
  at: Date;
}): Promise<number> {
  return revokeAll(db, and(eq(refreshTokens.tenantId, tenantId), eq(refreshTokens.userId, userId)), at);
}
