// Races between sessions, each driven step by step: a second connection holds a transaction open at the
// worst moment and the request must wait for it, then do the right thing.
// - Staff changes: the rules (who may change whom, the last active owner) are decided on the rows as they
//   are when the change commits, not as they were read at the request's start.
// - Ending sessions: a refresh token issued by a refresh that commits while a family (reuse detected) or a
//   user's tokens (new password) are being revoked is revoked too.
// Registered only when TEST_DATABASE_URL points at a PostgreSQL server (PGlite runs one statement at a
// time, so nothing can interleave).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, eq, sql } from 'drizzle-orm';
import { refreshTokens, users } from '../../drizzle/schema';
import { hashRefreshToken, newRefreshToken } from '../../src/auth/refresh-token';
import { createDatabase, type Database } from '../../src/db/client';
import { insertRefreshToken, spendRefreshToken } from '../../src/repositories/refresh-tokens';
import { createTenant, createTestApp, createUser, json, TEST_PASSWORD, type TestApp, tokenFor } from '../helpers/app';
import { usingServer } from '../helpers/db';

if (usingServer)
  describe('races between sessions (postgres server)', () => {
    let t: TestApp;
    let other: Database;
    let n = 0;
    beforeAll(async () => {
      t = await createTestApp();
      other = await createDatabase({ url: t.database.url!, poolSize: 1 });
    }, 120_000);
    afterAll(async () => {
      await other.close();
      await t.close();
    });

    /** Waits until some backend of this database waits for a lock (the request, blocked on `other`). */
    async function requestBlocked() {
      for (let i = 0; i < 500; i++) {
        const [row] = (await t.db.execute(
          sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        )) as unknown as { n: number }[];
        if (row!.n > 0) return;
        await Bun.sleep(10);
      }
      throw new Error('the request never waited for the other transaction');
    }

    const cases = [
      { name: 'disabling', method: 'PATCH', body: { status: 'disabled' } },
      { name: 'demoting', method: 'PATCH', body: { role: 'sales' } },
      { name: 'removing', method: 'DELETE', body: undefined },
    ] as const;
    for (const { name, method, body } of cases) {
      test(`${name} an admin who is made the only owner meanwhile is refused (409): the tenant keeps an owner`, async () => {
        const tenant = await createTenant(t.deps, { slug: `race${n++}` });
        const owner = await createUser(t.deps, tenant.id, { role: 'owner' });
        const target = await createUser(t.deps, tenant.id, { role: 'admin' });
        const token = await tokenFor(t.deps, owner);

        // Another session promotes the admin and has the owner step down, and has not committed yet
        // when the owner's request reads the admin (still an admin: no owner is at stake, it seems).
        const { promise: release, resolve } = Promise.withResolvers<void>();
        const { promise: changed, resolve: changesMade } = Promise.withResolvers<void>();
        const handover = other.db.transaction(async (tx) => {
          await tx.update(users).set({ role: 'owner' }).where(eq(users.id, target.id));
          await tx.update(users).set({ role: 'admin' }).where(eq(users.id, owner.id));
          changesMade();
          await release;
        });
        await changed;
        const pending = t.request(`${tenant.slug}.localhost`, `/api/admin/users/${target.id}`, {
          method,
          token,
          ...(body ? { json: body } : {}),
        });
        await requestBlocked();
        resolve();
        await handover;
        const res = await pending;

        expect(res.status).toBe(409);
        expect((await json(res)).error.code).toBe('conflict');
        const active = await t.db
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.tenantId, tenant.id), eq(users.role, 'owner'), eq(users.status, 'active')));
        expect(active.map((u) => u.id)).toEqual([target.id]);
      });
    }
    /**
     * Another session's refresh, held open: it has spent `spent` and inserted the next token of the family,
     * exactly as sessions.ts refresh() does in its transaction, and commits when `commit()` is called.
     */
    async function refreshInFlight(spent: { id: string; tenantId: string; userId: string; familyId: string }) {
      const { promise: release, resolve: commit } = Promise.withResolvers<void>();
      const { promise: issued, resolve: done } = Promise.withResolvers<string>();
      const transaction = other.db.transaction(async (tx) => {
        expect(await spendRefreshToken({ db: tx, tenantId: spent.tenantId, id: spent.id, at: new Date() })).toBe(true);
        const next = await insertRefreshToken({
          db: tx,
          tenantId: spent.tenantId,
          values: {
            userId: spent.userId,
            familyId: spent.familyId,
            tokenHash: hashRefreshToken(newRefreshToken()),
            expiresAt: new Date(Date.now() + 3_600_000),
            userAgent: null,
          },
        });
        done(next.id);
        await release;
      });
      return {
        newTokenId: await issued,
        commit: async () => {
          commit();
          return await transaction;
        },
      };
    }
    const tokenRow = async (refreshToken: string) =>
      (
        await t.db
          .select()
          .from(refreshTokens)
          .where(eq(refreshTokens.tokenHash, hashRefreshToken(refreshToken)))
      )[0]!;
    const revokedAt = async (id: string) =>
      (await t.db.select().from(refreshTokens).where(eq(refreshTokens.id, id)))[0]!.revokedAt;
    const signIn = async (host: string, email: string) => {
      const res = await t.request(host, '/api/admin/auth/login', {
        method: 'POST',
        json: { email, password: TEST_PASSWORD },
      });
      expect(res.status).toBe(200);
      return json(res);
    };

    test('reuse detected while the family is being refreshed: the token that refresh issues is revoked too', async () => {
      const tenant = await createTenant(t.deps, { slug: `reuse${n++}` });
      const user = await createUser(t.deps, tenant.id, { role: 'sales' });
      const host = `${tenant.slug}.localhost`;
      const first = await signIn(host, user.email);
      const rotated = await t.request(host, '/api/admin/auth/refresh', {
        method: 'POST',
        json: { refreshToken: first.refreshToken },
      });
      expect(rotated.status).toBe(200);
      const second = await json(rotated);

      // The holder of the second token refreshes; while that is under way, the spent first token comes back.
      const inFlight = await refreshInFlight(await tokenRow(second.refreshToken));
      const pending = t.request(host, '/api/admin/auth/refresh', {
        method: 'POST',
        json: { refreshToken: first.refreshToken },
      });
      await requestBlocked();
      await inFlight.commit();
      const res = await pending;
      expect(res.status).toBe(401);
      expect((await json(res)).error.code).toBe('refresh_token_reused');
      expect(await revokedAt(inFlight.newTokenId)).not.toBeNull();
    });

    test('a new password while a refresh is under way: the token that refresh issues is revoked too', async () => {
      const tenant = await createTenant(t.deps, { slug: `pw${n++}` });
      const owner = await createUser(t.deps, tenant.id, { role: 'owner' });
      const sales = await createUser(t.deps, tenant.id, { role: 'sales' });
      const host = `${tenant.slug}.localhost`;
      const session = await signIn(host, sales.email);

      const inFlight = await refreshInFlight(await tokenRow(session.refreshToken));
      const pending = t.request(host, `/api/admin/users/${sales.id}`, {
        method: 'PATCH',
        token: await tokenFor(t.deps, owner),
        json: { password: 'brand-new-lantern-77' },
      });
      await requestBlocked();
      await inFlight.commit();
      expect((await pending).status).toBe(200);
      expect(await revokedAt(inFlight.newTokenId)).not.toBeNull();
    });
  });
