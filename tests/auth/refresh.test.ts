// Refresh tokens: rotation, reuse detection revoking the family, racing refreshes, logout,
// expiry, tenant binding, and that access and refresh tokens never stand in for each other.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { auditLogs, refreshTokens } from '../../drizzle/schema';
import { hashRefreshToken } from '../../src/auth/refresh-token';
import { manualClock } from '../../src/lib/clock';
import { createTenant, createTestApp, createUser, json, type TestApp } from '../helpers/app';

describe('refresh and logout', () => {
  let t: TestApp;
  const clock = manualClock('2026-04-01T08:00:00Z');
  beforeAll(async () => {
    t = await createTestApp({ overrides: { clock } });
    const acme = await createTenant(t.deps, { slug: 'acme' });
    await createTenant(t.deps, { slug: 'other' });
    await createUser(t.deps, acme.id, { role: 'sales', email: 'sam@acme.test' });
    await createUser(t.deps, acme.id, { role: 'sales', email: 'kim@acme.test' });
  }, 120_000);
  afterAll(() => t.close());

  const signIn = async (email = 'sam@acme.test') => {
    const res = await t.request('acme.localhost', '/api/admin/auth/login', {
      method: 'POST',
      json: { email, password: 'correct-horse-battery-staple' },
    });
    expect(res.status).toBe(200);
    return json(res);
  };
  const refresh = (refreshToken: string, host = 'acme.localhost') =>
    t.request(host, '/api/admin/auth/refresh', { method: 'POST', json: { refreshToken } });
  const logout = (refreshToken: string) =>
    t.request('acme.localhost', '/api/admin/auth/logout', { method: 'POST', json: { refreshToken } });

  test('refresh rotates: a new pair, the old token spent, the new access token works', async () => {
    const first = await signIn();
    const res = await refresh(first.refreshToken);
    expect(res.status).toBe(200);
    const second = await json(res);
    expect(second).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { email: 'sam@acme.test' } });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const me = await t.request('acme.localhost', '/api/admin/auth/me', { token: second.accessToken });
    expect(me.status).toBe(200);
    const [stored] = await t.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hashRefreshToken(first.refreshToken)));
    expect(stored!.usedAt).not.toBeNull();
    // Only the hash is stored.
    const all = await t.db.select().from(refreshTokens);
    expect(JSON.stringify(all)).not.toContain(first.refreshToken);
  });

  test('a spent token presented again revokes the whole family (401 refresh_token_reused)', async () => {
    const a = await signIn();
    const b = await json(await refresh(a.refreshToken));
    const c = await json(await refresh(b.refreshToken));
    const reuse = await refresh(a.refreshToken);
    expect(reuse.status).toBe(401);
    expect((await json(reuse)).error.code).toBe('refresh_token_reused');
    // The newest token of the family is dead too, and so is the middle one.
    const next = await refresh(c.refreshToken);
    expect(next.status).toBe(401);
    expect((await json(next)).error.code).toBe('unauthorized');
    expect((await refresh(b.refreshToken)).status).toBe(401);
    const [entry] = await t.db.select().from(auditLogs).where(eq(auditLogs.action, 'auth.refresh_reused'));
    expect(entry).toMatchObject({ targetType: 'user', targetId: a.user.id, actorType: 'system' });
  });

  test('reuse in one session leaves other sessions of the same user alone', async () => {
    const laptop = await signIn('kim@acme.test');
    const phone = await signIn('kim@acme.test');
    await refresh(laptop.refreshToken);
    expect((await refresh(laptop.refreshToken)).status).toBe(401);
    expect((await refresh(phone.refreshToken)).status).toBe(200);
  });

  test('two concurrent refreshes with one token: exactly one succeeds', async () => {
    const s = await signIn();
    const results = await Promise.all([refresh(s.refreshToken), refresh(s.refreshToken), refresh(s.refreshToken)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401, 401]);
  });

  test('logout revokes the family and answers 204; it is idempotent', async () => {
    const s = await signIn();
    const rotated = await json(await refresh(s.refreshToken));
    const res = await logout(rotated.refreshToken);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await refresh(rotated.refreshToken)).status).toBe(401);
    expect((await logout(rotated.refreshToken)).status).toBe(204);
    expect((await logout('x'.repeat(43))).status).toBe(204);
    const entries = await t.db.select().from(auditLogs).where(eq(auditLogs.action, 'auth.logout'));
    expect(entries.length).toBe(1);
  });

  test('an expired refresh token is 401', async () => {
    const s = await signIn();
    clock.advance(t.deps.env.REFRESH_TOKEN_TTL_SECONDS * 1000 + 1000);
    const res = await refresh(s.refreshToken);
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe('unauthorized');
  });

  test("another tenant's host does not accept the token", async () => {
    const s = await signIn();
    expect((await refresh(s.refreshToken, 'other.localhost')).status).toBe(401);
    expect((await refresh(s.refreshToken)).status).toBe(200); // untouched by the failed attempt
  });

  test('an access token is not a refresh token, and a refresh token is not an access token', async () => {
    const s = await signIn();
    const asRefresh = await refresh(s.accessToken);
    expect(asRefresh.status).toBe(401);
    const asAccess = await t.request('acme.localhost', '/api/admin/auth/me', { token: s.refreshToken });
    expect(asAccess.status).toBe(401);
  });

  test('garbage is 400 or 401, never 500', async () => {
    for (const body of [{}, { refreshToken: '' }, { refreshToken: 'x'.repeat(600) }, { refreshToken: 'not a token' }]) {
      const res = await t.request('acme.localhost', '/api/admin/auth/refresh', { method: 'POST', json: body });
      expect([400, 401]).toContain(res.status);
    }
  });
});
