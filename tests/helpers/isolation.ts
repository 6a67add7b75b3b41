// The shared tenant-isolation and authorization suite, run against every admin route:
// no token → 401; expired, tampered (wrong key, alg none, missing exp), refresh-like and
// other-tenant tokens → 401; another tenant's object id → 404; too low a role → 403.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import type { Tenant, User, UserRole } from '../../drizzle/schema';
import { createTenant, createTestApp, createUser, type TestApp, tokenFor } from './app';

export type IsolationContext = {
  t: TestApp;
  /** The tenant whose host the requests go to. */
  home: Tenant;
  /** Another tenant; its objects must be invisible from `home`. */
  other: Tenant;
  users: Record<UserRole, User>;
  otherOwner: User;
};

export type AdminRouteSpec = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path with `:id` where an object id goes, e.g. `/api/admin/cars/:id`. */
  path: string;
  /** Lowest role allowed; lower roles get 403. */
  minRole: UserRole;
  /** A valid body for the route (so 403/404 are not masked by 400). */
  body?: (ctx: IsolationContext) => unknown;
  /** Creates an object in `ctx.other` and returns its id: the route must answer 404 for it. */
  foreignId?: (ctx: IsolationContext) => Promise<string>;
  /** A valid object id in the home tenant, used for role checks on :id routes. */
  homeId?: (ctx: IsolationContext) => Promise<string>;
};

const roles: UserRole[] = ['sales', 'admin', 'owner'];
const rank: Record<UserRole, number> = { sales: 1, admin: 2, owner: 3 };

export function runIsolationSuite(name: string, routes: AdminRouteSpec[]) {
  describe(`${name}: isolation and roles`, () => {
    const ctx = {} as IsolationContext;
    beforeAll(async () => {
      ctx.t = await createTestApp();
      ctx.home = await createTenant(ctx.t.deps, { slug: 'home' });
      ctx.other = await createTenant(ctx.t.deps, { slug: 'other' });
      ctx.users = {
        owner: await createUser(ctx.t.deps, ctx.home.id, { role: 'owner' }),
        admin: await createUser(ctx.t.deps, ctx.home.id, { role: 'admin' }),
        sales: await createUser(ctx.t.deps, ctx.home.id, { role: 'sales' }),
      };
      ctx.otherOwner = await createUser(ctx.t.deps, ctx.other.id, { role: 'owner' });
    }, 60_000);
    afterAll(() => ctx.t.close());

    const send = async (
      route: AdminRouteSpec,
      token: string | undefined,
      id = '00000000-0000-7000-8000-000000000000',
    ) => {
      const path = route.path.replace(':id', id);
      const body = route.body?.(ctx);
      return ctx.t.request('home.localhost', path, {
        method: route.method,
        ...(token ? { token } : {}),
        ...(body !== undefined ? { json: body } : {}),
      });
    };

    const key = () => new TextEncoder().encode(ctx.t.deps.env.jwtKeys[0]!.secret);
    const claims = () => ({ tid: ctx.home.id, role: 'owner', email: ctx.users.owner.email });
    const base = () => ({ iss: ctx.t.deps.env.JWT_ISSUER, aud: ctx.t.deps.env.JWT_AUDIENCE });

    for (const route of routes) {
      const label = `${route.method} ${route.path}`;

      test(`${label}: no token → 401`, async () => {
        expect((await send(route, undefined)).status).toBe(401);
      });

      test(`${label}: expired, tampered, alg none, missing exp → 401`, async () => {
        const now = Math.floor(Date.now() / 1000);
        const kid = ctx.t.deps.env.jwtKeys[0]!.kid;
        const expired = await new SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256', kid, typ: 'access+jwt' })
          .setSubject(ctx.users.owner.id)
          .setIssuer(base().iss)
          .setAudience(base().aud)
          .setIssuedAt(now - 3600)
          .setExpirationTime(now - 1800)
          .sign(key());
        const wrongKey = await new SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256', kid, typ: 'access+jwt' })
          .setSubject(ctx.users.owner.id)
          .setIssuer(base().iss)
          .setAudience(base().aud)
          .setIssuedAt(now)
          .setExpirationTime(now + 600)
          .sign(new TextEncoder().encode('x'.repeat(64)));
        const none = new UnsecuredJWT(claims())
          .setSubject(ctx.users.owner.id)
          .setIssuer(base().iss)
          .setAudience(base().aud)
          .setIssuedAt(now)
          .setExpirationTime(now + 600)
          .encode();
        const noExp = await new SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256', kid, typ: 'access+jwt' })
          .setSubject(ctx.users.owner.id)
          .setIssuer(base().iss)
          .setAudience(base().aud)
          .setIssuedAt(now)
          .sign(key());
        const valid = await tokenFor(ctx.t.deps, ctx.users.owner);
        const [h, p] = valid.split('.');
        const tamperedPayload = Buffer.from(
          JSON.stringify({
            ...JSON.parse(Buffer.from(p!, 'base64url').toString()),
            role: 'owner',
            sub: ctx.users.sales.id,
          }),
        ).toString('base64url');
        const tampered = `${h}.${tamperedPayload}.${valid.split('.')[2]}`;
        for (const token of [expired, wrongKey, none, noExp, tampered, 'not-a-jwt']) {
          const res = await send(route, token);
          expect({ token: token.slice(0, 16), status: res.status }).toEqual({ token: token.slice(0, 16), status: 401 });
        }
      });

      test(`${label}: another tenant's token → 401`, async () => {
        const foreign = await tokenFor(ctx.t.deps, ctx.otherOwner);
        expect((await send(route, foreign)).status).toBe(401);
      });

      if (route.foreignId) {
        test(`${label}: another tenant's object → 404`, async () => {
          const id = await route.foreignId!(ctx);
          const res = await send(route, await tokenFor(ctx.t.deps, ctx.users.owner), id);
          expect(res.status).toBe(404);
          expect(((await res.json()) as any).error.code).toBe('not_found');
        });
      }

      const lower = roles.filter((r) => rank[r] < rank[route.minRole]);
      if (lower.length > 0) {
        test(`${label}: ${lower.join(', ')} → 403`, async () => {
          const id = route.homeId ? await route.homeId(ctx) : undefined;
          for (const role of lower) {
            const res = await send(route, await tokenFor(ctx.t.deps, ctx.users[role]), id);
            expect({ role, status: res.status }).toEqual({ role, status: 403 });
          }
        });
      }
    }
  });
}
