// Sign-in: the response shape, one answer for unknown e-mail and wrong password (at the same cost),
// and the lockout per (account, client network) with its expiry, driven by a manual clock.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, eq } from 'drizzle-orm';
import { auditLogs } from '../../drizzle/schema';
import { manualClock } from '../../src/lib/clock';
import { createTenant, createTestApp, createUser, json, type TestApp } from '../helpers/app';

describe('POST /api/admin/auth/login', () => {
  let t: TestApp;
  const clock = manualClock('2026-03-01T08:00:00Z');
  let tenantId: string;
  let otherTenantId: string;
  beforeAll(async () => {
    // Behind one trusted proxy, as in production: the client's address is the X-Forwarded-For entry it wrote.
    t = await createTestApp({ overrides: { clock }, env: { TRUST_PROXY: 'true' } });
    tenantId = (await createTenant(t.deps, { slug: 'acme' })).id;
    otherTenantId = (await createTenant(t.deps, { slug: 'other' })).id;
    await createUser(t.deps, tenantId, { role: 'admin', email: 'ana@acme.test', name: 'Ana' });
    await createUser(t.deps, tenantId, { role: 'sales', email: 'sam@acme.test' });
    await createUser(t.deps, tenantId, { role: 'sales', email: 'gone@acme.test', status: 'disabled' });
    await createUser(t.deps, tenantId, { role: 'sales', email: 'lock@acme.test' });
    await createUser(t.deps, tenantId, { role: 'sales', email: 'slow@acme.test' });
    await createUser(t.deps, tenantId, { role: 'sales', email: 'reset@acme.test' });
    await createUser(t.deps, tenantId, { role: 'sales', email: 'burst@acme.test' });
    await createUser(t.deps, tenantId, { role: 'sales', email: 'target@acme.test' });
    await createUser(t.deps, tenantId, { role: 'sales', email: 'v6@acme.test' });
    await createUser(t.deps, otherTenantId, { role: 'owner', email: 'ana@acme.test' });
  }, 120_000);
  afterAll(() => t.close());

  const OFFICE = '198.51.100.10';
  const login = (email: string, password: string, host = 'acme.localhost', from = OFFICE) =>
    t.request(host, '/api/admin/auth/login', {
      method: 'POST',
      json: { email, password },
      headers: { 'user-agent': 'bun-test', 'x-forwarded-for': from },
    });
  const PASSWORD = 'correct-horse-battery-staple';

  test('correct credentials: token pair and the user, never the hash', async () => {
    const res = await login('  ANA@acme.test ', PASSWORD);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(typeof body.accessToken).toBe('string');
    expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Object.keys(body.user).sort()).toEqual(
      ['createdAt', 'email', 'id', 'lastLoginAt', 'name', 'role', 'status', 'updatedAt'].sort(),
    );
    expect(body.user).toMatchObject({ email: 'ana@acme.test', role: 'admin', lastLoginAt: clock.now().toISOString() });
    const me = await t.request('acme.localhost', '/api/admin/auth/me', { token: body.accessToken });
    expect(me.status).toBe(200);
    expect((await json(me)).data.email).toBe('ana@acme.test');
  });

  test('the same e-mail in another tenant is another account', async () => {
    const res = await login('ana@acme.test', PASSWORD, 'other.localhost');
    expect((await json(res)).user.role).toBe('owner');
  });

  test('unknown e-mail, wrong password and disabled account give the same 401', async () => {
    const bodies = [];
    for (const [email, password] of [
      ['nobody@acme.test', PASSWORD],
      ['sam@acme.test', 'wrong-password-entirely'],
      ['gone@acme.test', PASSWORD],
    ] as const) {
      const res = await login(email, password);
      expect(res.status).toBe(401);
      const body = await json(res);
      bodies.push({ code: body.error.code, message: body.error.message });
    }
    expect(bodies[0]).toEqual({ code: 'invalid_credentials', message: 'E-mail or password is incorrect' });
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  test('an unknown e-mail costs an argon2 verification, like a wrong password', async () => {
    const time = async (email: string) => {
      const start = performance.now();
      await login(email, 'not-the-password-123');
      return performance.now() - start;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 3; i++) {
      unknown.push(await time(`ghost${i}@acme.test`));
      wrong.push(await time('slow@acme.test'));
    }
    // A plain lookup miss takes about a millisecond; argon2id with 19 MiB takes tens of them.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.5);
    expect(median(unknown)).toBeLessThan(median(wrong) * 2);
  });

  test('malformed body is 400, not 401', async () => {
    const res = await t.request('acme.localhost', '/api/admin/auth/login', { method: 'POST', json: { email: 'x' } });
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('validation_failed');
  });

  test('5 failures in 15 minutes lock the account (429 + Retry-After) until the window ends', async () => {
    clock.set('2026-03-02T09:00:00Z');
    for (let i = 0; i < 5; i++) {
      expect((await login('lock@acme.test', `wrong-${i}-password`)).status).toBe(401);
      clock.advance(60_000); // one a minute: the window started at 09:00 and ends at 09:15
    }
    const locked = await login('lock@acme.test', PASSWORD); // even the right password
    expect(locked.status).toBe(429);
    expect((await json(locked)).error.code).toBe('too_many_attempts');
    expect(locked.headers.get('retry-after')).toBe(String(10 * 60)); // 09:05 → 09:15

    // Attempts during the lock do not extend it.
    clock.set('2026-03-02T09:14:59Z');
    expect((await login('lock@acme.test', 'wrong-again-password')).status).toBe(429);
    expect((await login('lock@acme.test', PASSWORD)).status).toBe(429);
    clock.set('2026-03-02T09:15:00Z');
    expect((await login('lock@acme.test', PASSWORD)).status).toBe(200);
  });

  test('guesses sent all at once are counted before any is checked: at most 5 are tried, a 6th right one too', async () => {
    clock.set('2026-03-02T11:00:00Z');
    const guesses = [...Array.from({ length: 15 }, (_, i) => `wrong-burst-${i}-password`), PASSWORD];
    const statuses = (await Promise.all(guesses.map((p) => login('burst@acme.test', p)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(11);
    expect(statuses.filter((s) => s === 401 || s === 200)).toHaveLength(5);
    // Whatever the right guess got, the account is locked now: the burst did not wipe the count.
    if (!statuses.includes(200)) expect((await login('burst@acme.test', PASSWORD)).status).toBe(429);
  });

  test('unknown e-mails lock exactly like real ones (no account enumeration)', async () => {
    clock.set('2026-03-03T09:00:00Z');
    for (let i = 0; i < 5; i++) expect((await login('ghost@acme.test', 'wrong-password-x')).status).toBe(401);
    const res = await login('ghost@acme.test', 'wrong-password-x');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe(String(15 * 60));
  });

  test('failures spread beyond 15 minutes never lock; a success resets the count', async () => {
    clock.set('2026-03-04T09:00:00Z');
    for (let i = 0; i < 4; i++) expect((await login('reset@acme.test', 'wrong-password-x')).status).toBe(401);
    clock.advance(15 * 60_000); // window over: the next failure starts a new one
    for (let i = 0; i < 4; i++) expect((await login('reset@acme.test', 'wrong-password-x')).status).toBe(401);
    expect((await login('reset@acme.test', PASSWORD)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login('reset@acme.test', 'wrong-password-x')).status).toBe(401);
    expect((await login('reset@acme.test', PASSWORD)).status).toBe(200);
  });

  test('the lockout is per tenant', async () => {
    clock.set('2026-03-05T09:00:00Z');
    for (let i = 0; i < 5; i++) await login('ana@acme.test', 'wrong-password-x');
    expect((await login('ana@acme.test', PASSWORD)).status).toBe(429);
    expect((await login('ana@acme.test', PASSWORD, 'other.localhost')).status).toBe(200);
  });

  test("a stranger's failures lock the stranger's network, never the owner signing in from elsewhere", async () => {
    const STRANGER = '203.0.113.66';
    clock.set('2026-03-06T09:00:00Z');
    // Five wrong passwords every 15 minutes for two hours: the lock a stranger could once renew for ever.
    for (let window = 0; window < 8; window++) {
      for (let i = 0; i < 5; i++) {
        expect((await login('target@acme.test', 'wrong-password-x', 'acme.localhost', STRANGER)).status).toBe(401);
      }
      clock.advance(60_000);
      const stranger = await login('target@acme.test', PASSWORD, 'acme.localhost', STRANGER);
      expect(stranger.status).toBe(429); // even the right password, from the stranger's network
      expect(stranger.headers.get('retry-after')).toBe(String(14 * 60));
      // The owner, from the office, is never locked out and signs in at once.
      expect((await login('target@acme.test', PASSWORD)).status).toBe(200);
      clock.advance(14 * 60_000); // the stranger's window ends; the stranger starts again
    }
  });

  test("a success clears its own network's count, not a stranger's lock", async () => {
    const STRANGER = '203.0.113.77';
    clock.set('2026-03-07T09:00:00Z');
    for (let i = 0; i < 5; i++) await login('target@acme.test', 'wrong-password-x', 'acme.localhost', STRANGER);
    for (let i = 0; i < 4; i++) expect((await login('target@acme.test', 'wrong-password-x')).status).toBe(401);
    expect((await login('target@acme.test', PASSWORD)).status).toBe(200); // the office's fifth try: cleared
    expect((await login('target@acme.test', PASSWORD, 'acme.localhost', STRANGER)).status).toBe(429);
    for (let i = 0; i < 4; i++) expect((await login('target@acme.test', 'wrong-password-x')).status).toBe(401);
    expect((await login('target@acme.test', PASSWORD)).status).toBe(200);
  });

  test('an IPv6 client counts per /64: walking through its own addresses does not buy more guesses', async () => {
    clock.set('2026-03-08T09:00:00Z');
    for (let i = 1; i <= 5; i++) {
      expect((await login('v6@acme.test', 'wrong-password-x', 'acme.localhost', `2001:db8:1:2::${i}`)).status).toBe(
        401,
      );
    }
    expect((await login('v6@acme.test', PASSWORD, 'acme.localhost', '2001:db8:1:2:ffff::9')).status).toBe(429);
    expect((await login('v6@acme.test', PASSWORD, 'acme.localhost', '2001:db8:1:3::1')).status).toBe(200);
  });

  test('sign-ins and failures are audited, without the password', async () => {
    const rows = await t.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, tenantId), eq(auditLogs.action, 'auth.login_failed')));
    const wrong = rows.find((r) => r.metadata.email === 'sam@acme.test');
    expect(wrong).toMatchObject({ actorType: 'system', userAgent: 'bun-test', targetType: 'user' });
    expect(wrong!.metadata).toMatchObject({ reason: 'wrong_password', failures: 1, locked: false });
    expect(JSON.stringify(rows)).not.toContain('wrong-password-entirely');
    expect(rows.find((r) => r.metadata.email === 'nobody@acme.test')?.metadata.reason).toBe('unknown_email');
    const ok = await t.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, tenantId), eq(auditLogs.action, 'auth.login')));
    expect(ok.length).toBeGreaterThan(0);
    expect(ok[0]!.actorType).toBe('user');
  });
});
