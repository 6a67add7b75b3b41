// Staff management: who may manage whom, the last owner, password rules, e-mail conflicts, and
// sessions ending when a password changes or an account is disabled or removed.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { auditLogs, type User, users } from '../../drizzle/schema';
import { createTenant, createTestApp, createUser, json, type TestApp, tokenFor } from '../helpers/app';

const GOOD = 'velvet-harbor-72-lantern';

describe('/api/admin/users', () => {
  let t: TestApp;
  let tenantId: string;
  let owner: User;
  let admin: User;
  let n = 0;
  beforeAll(async () => {
    t = await createTestApp();
    tenantId = (await createTenant(t.deps, { slug: 'acme' })).id;
    owner = await createUser(t.deps, tenantId, { role: 'owner', email: 'olga@acme.test' });
    admin = await createUser(t.deps, tenantId, { role: 'admin', email: 'adi@acme.test', name: 'Adi' });
  }, 120_000);
  afterAll(() => t.close());

  const as = async (user: User, method: string, path: string, body?: unknown) =>
    t.request('acme.localhost', `/api/admin/users${path}`, {
      method,
      token: await tokenFor(t.deps, user),
      ...(body !== undefined ? { json: body } : {}),
    });
  const make = (role: User['role'], extra: Record<string, unknown> = {}) => ({
    email: `staff${n++}@acme.test`,
    name: `Staff ${n}`,
    role,
    password: GOOD,
    ...extra,
  });
  const seed = (role: User['role'], status: 'active' | 'disabled' = 'active') =>
    createUser(t.deps, tenantId, { role, status, email: `seed${n++}@acme.test` });

  test('owner creates any role: 201 {data}, no password hash, audited', async () => {
    for (const role of ['owner', 'admin', 'sales'] as const) {
      const res = await as(owner, 'POST', '', make(role, { email: `New.${role}@ACME.test` }));
      expect(res.status).toBe(201);
      const { data } = await json(res);
      expect(data).toMatchObject({ role, email: `new.${role}@acme.test`, status: 'active', lastLoginAt: null });
      expect(JSON.stringify(data)).not.toContain('argon2');
    }
    const created = await t.db.select().from(auditLogs).where(eq(auditLogs.action, 'user.create'));
    expect(created.length).toBe(3);
    expect(created[0]).toMatchObject({ actorType: 'user', actorId: owner.id, targetType: 'user' });
  });

  test('the created account can sign in', async () => {
    const body = make('sales');
    await as(owner, 'POST', '', body);
    const res = await t.request('acme.localhost', '/api/admin/auth/login', {
      method: 'POST',
      json: { email: body.email, password: GOOD },
    });
    expect(res.status).toBe(200);
  });

  test('admin creates sales only', async () => {
    expect((await as(admin, 'POST', '', make('sales'))).status).toBe(201);
    expect((await as(admin, 'POST', '', make('admin'))).status).toBe(403);
    expect((await as(admin, 'POST', '', make('owner'))).status).toBe(403);
  });

  test('duplicate e-mail in the tenant is 409 conflict, in another tenant it is fine', async () => {
    const res = await as(owner, 'POST', '', make('sales', { email: 'ADI@acme.test' }));
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe('conflict');
    const other = await createTenant(t.deps, { slug: 'other' });
    const otherOwner = await createUser(t.deps, other.id, { role: 'owner' });
    const there = await t.request('other.localhost', '/api/admin/users', {
      method: 'POST',
      token: await tokenFor(t.deps, otherOwner),
      json: make('sales', { email: 'adi@acme.test' }),
    });
    expect(there.status).toBe(201);
  });

  test('passwords: at least 12 characters, not common, not the e-mail or name', async () => {
    const cases = [
      'short-pw-1',
      'password1234',
      'Password2024!',
      'qwertyuiop123',
      '1q2w3e4r5t6y',
      'aaaaaaaaaaaaaaa',
      'abcabcabcabcabc',
    ];
    for (const password of cases) {
      const res = await as(owner, 'POST', '', make('sales', { password }));
      const body = await json(res);
      expect({ password, status: res.status, path: body.error?.details?.[0]?.path }).toEqual({
        password,
        status: 400,
        path: 'password',
      });
    }
    const personal = await as(
      owner,
      'POST',
      '',
      make('sales', { email: 'budi.santoso@acme.test', password: 'budi.santoso-2026' }),
    );
    expect(personal.status).toBe(400);
  });

  test('password policy problems share one 400 with the schema problems', async () => {
    const create = await as(owner, 'POST', '', make('wizard' as User['role'], { email: 'nope', password: 'short' }));
    expect(create.status).toBe(400);
    const createPaths = (await json(create)).error.details.map((d: { path: string }) => d.path).sort();
    expect(createPaths).toEqual(['email', 'password', 'role']);

    const target = await seed('sales');
    const patch = await as(owner, 'PATCH', `/${target.id}`, { status: 'sleeping', password: 'password1234' });
    expect(patch.status).toBe(400);
    const patchPaths = (await json(patch)).error.details.map((d: { path: string }) => d.path).sort();
    expect(patchPaths).toEqual(['password', 'status']);
  });

  test('PATCH password must not contain the account’s current e-mail when the body gives none', async () => {
    const target = await createUser(t.deps, tenantId, { role: 'sales', email: `wulandari${n++}@acme.test` });
    const res = await as(owner, 'PATCH', `/${target.id}`, { password: `${target.email.split('@')[0]}-harbor-7` });
    expect(res.status).toBe(400);
    expect((await json(res)).error.details).toEqual([{ path: 'password', message: expect.stringContaining('e-mail') }]);
  });

  test('list: paginated, filter by role, never hashes', async () => {
    const res = await as(admin, 'GET', '?limit=2&page=1');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.data.length).toBe(2);
    expect(body.meta).toMatchObject({ page: 1, limit: 2 });
    expect(body.meta.totalPages).toBe(Math.ceil(body.meta.total / 2));
    const owners = await json(await as(admin, 'GET', '?role=owner&limit=100'));
    expect(owners.data.every((u: { role: string }) => u.role === 'owner')).toBe(true);
    expect(JSON.stringify(owners)).not.toContain('passwordHash');
    expect((await as(admin, 'GET', '?limit=101')).status).toBe(400);
    expect((await as(admin, 'GET', '?role=root')).status).toBe(400);
  });

  test('GET one; malformed id is 400, unknown id 404', async () => {
    expect((await json(await as(admin, 'GET', `/${owner.id}`))).data.email).toBe('olga@acme.test');
    expect((await as(admin, 'GET', '/123')).status).toBe(400);
    expect((await as(admin, 'GET', '/01900000-0000-7000-8000-000000000000')).status).toBe(404);
  });

  test('admin manages sales staff but not admins or owners', async () => {
    const sales = await seed('sales');
    const otherAdmin = await seed('admin');
    expect((await as(admin, 'PATCH', `/${sales.id}`, { name: 'Renamed' })).status).toBe(200);
    expect((await as(admin, 'PATCH', `/${sales.id}`, { role: 'admin' })).status).toBe(403);
    expect((await as(admin, 'PATCH', `/${otherAdmin.id}`, { name: 'X' })).status).toBe(403);
    expect((await as(admin, 'PATCH', `/${owner.id}`, { name: 'X' })).status).toBe(403);
    expect((await as(admin, 'DELETE', `/${otherAdmin.id}`)).status).toBe(403);
    expect((await as(admin, 'DELETE', `/${owner.id}`)).status).toBe(403);
    expect((await as(admin, 'DELETE', `/${sales.id}`)).status).toBe(204);
  });

  test('anyone may change their own name and password, but not their own role', async () => {
    const res = await as(admin, 'PATCH', `/${admin.id}`, { name: 'Adi Nugroho', password: 'new-lantern-harbor-99' });
    expect(res.status).toBe(200);
    expect((await json(res)).data.name).toBe('Adi Nugroho');
    expect((await as(admin, 'PATCH', `/${admin.id}`, { role: 'owner' })).status).toBe(403);
    expect((await as(admin, 'PATCH', `/${admin.id}`, { password: 'short' })).status).toBe(400);
  });

  test('owner manages everyone: promotes, demotes, disables', async () => {
    const a = await seed('admin');
    expect((await json(await as(owner, 'PATCH', `/${a.id}`, { role: 'owner' }))).data.role).toBe('owner');
    expect((await json(await as(owner, 'PATCH', `/${a.id}`, { role: 'sales' }))).data.role).toBe('sales');
    expect((await json(await as(owner, 'PATCH', `/${a.id}`, { status: 'disabled' }))).data.status).toBe('disabled');
    const entry = (await t.db.select().from(auditLogs).where(eq(auditLogs.targetId, a.id))).find(
      (e) => (e.metadata.role as { to?: string } | undefined)?.to === 'sales',
    );
    expect(entry?.metadata).toMatchObject({ changed: ['role'], role: { from: 'owner', to: 'sales' } });
  });

  test("a demoted user's existing access token carries the new role at once, not the token's", async () => {
    const a = await seed('admin');
    const token = await tokenFor(t.deps, a);
    const list = () => t.request('acme.localhost', '/api/admin/users', { token });
    expect((await list()).status).toBe(200);
    expect((await as(owner, 'PATCH', `/${a.id}`, { role: 'sales' })).status).toBe(200);
    expect((await list()).status).toBe(403);
  });

  test('the last active owner cannot be demoted, disabled or removed (409); with two, one can', async () => {
    const t2 = await createTenant(t.deps, { slug: `solo${n++}` });
    const solo = await createUser(t.deps, t2.id, { role: 'owner' });
    await createUser(t.deps, t2.id, { role: 'owner', status: 'disabled' }); // a disabled owner does not count
    const req = async (method: string, path: string, body?: unknown) =>
      t.request(`${t2.slug}.localhost`, `/api/admin/users${path}`, {
        method,
        token: await tokenFor(t.deps, solo),
        ...(body ? { json: body } : {}),
      });
    for (const body of [{ role: 'admin' }, { status: 'disabled' }]) {
      const res = await req('PATCH', `/${solo.id}`, body);
      expect(res.status).toBe(409);
      expect((await json(res)).error.code).toBe('conflict');
    }
    const second = await createUser(t.deps, t2.id, { role: 'owner' });
    expect((await req('PATCH', `/${solo.id}`, { role: 'admin' })).status).toBe(200);
    // `solo` is now an admin; `second` is the last owner and cannot be removed or demoted by anyone.
    const bySecond = async (method: string, path: string, body?: unknown) =>
      t.request(`${t2.slug}.localhost`, `/api/admin/users${path}`, {
        method,
        token: await tokenFor(t.deps, second),
        ...(body ? { json: body } : {}),
      });
    expect((await bySecond('PATCH', `/${second.id}`, { role: 'sales' })).status).toBe(409);
    expect((await bySecond('DELETE', `/${second.id}`)).status).toBe(403); // not yourself
  });

  test('two owners demoting each other at once: one of them stays owner', async () => {
    const t3 = await createTenant(t.deps, { slug: `pair${n++}` });
    const a = await createUser(t.deps, t3.id, { role: 'owner' });
    const b = await createUser(t.deps, t3.id, { role: 'owner' });
    const demote = async (actor: User, target: User) =>
      t.request(`${t3.slug}.localhost`, `/api/admin/users/${target.id}`, {
        method: 'PATCH',
        token: await tokenFor(t.deps, actor),
        json: { role: 'admin' },
      });
    for (let round = 0; round < 5; round++) {
      await t.db.update(users).set({ role: 'owner' }).where(eq(users.tenantId, t3.id));
      const results = await Promise.all([demote(a, b), demote(b, a)]);
      const owners = await t.db.select().from(users).where(eq(users.tenantId, t3.id));
      expect(owners.filter((u) => u.role === 'owner').length).toBe(1);
      // The loser is refused either by the owner check (409) or, if it started after the winner
      // committed, because it is no longer an owner itself (403).
      const [won, lost] = results.map((r) => r.status).sort();
      expect(won).toBe(200);
      expect([403, 409]).toContain(lost!);
    }
  });

  test('a new password or disabling ends sessions; disabled users cannot use their access token', async () => {
    const sales = await seed('sales');
    const login = async () =>
      json(
        await t.request('acme.localhost', '/api/admin/auth/login', {
          method: 'POST',
          json: { email: sales.email, password: 'correct-horse-battery-staple' },
        }),
      );
    const s1 = await login();
    await as(owner, 'PATCH', `/${sales.id}`, { password: 'brand-new-lantern-77' });
    const r1 = await t.request('acme.localhost', '/api/admin/auth/refresh', {
      method: 'POST',
      json: { refreshToken: s1.refreshToken },
    });
    expect(r1.status).toBe(401);
    await as(owner, 'PATCH', `/${sales.id}`, { status: 'disabled' });
    const me = await t.request('acme.localhost', '/api/admin/auth/me', { token: s1.accessToken });
    expect(me.status).toBe(401);
  });

  test('a removed user is gone, with the audit trail keeping who it was', async () => {
    const sales = await seed('sales');
    expect((await as(owner, 'DELETE', `/${sales.id}`)).status).toBe(204);
    expect((await as(owner, 'GET', `/${sales.id}`)).status).toBe(404);
    expect((await as(owner, 'DELETE', `/${sales.id}`)).status).toBe(404);
    const [entry] = await t.db.select().from(auditLogs).where(eq(auditLogs.targetId, sales.id));
    expect(entry).toMatchObject({ action: 'user.delete', metadata: { email: sales.email, role: 'sales' } });
  });

  test('PATCH with nothing to change is 400', async () => {
    const sales = await seed('sales');
    expect((await as(owner, 'PATCH', `/${sales.id}`, {})).status).toBe(400);
  });
});
