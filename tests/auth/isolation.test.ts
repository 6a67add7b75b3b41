// Every admin route of this area through the shared isolation suite (401/404/403 rules).
import { createUser, type TestApp } from '../helpers/app';
import { type IsolationContext, runIsolationSuite } from '../helpers/isolation';

let n = 0;
const staff = (t: TestApp, tenantId: string) =>
  createUser(t.deps, tenantId, { role: 'sales', email: `iso${n++}@example.test` }).then((u) => u.id);

runIsolationSuite('auth, users, audit logs', [
  { method: 'GET', path: '/api/admin/auth/me', minRole: 'sales' },
  { method: 'GET', path: '/api/admin/users', minRole: 'admin' },
  {
    method: 'POST',
    path: '/api/admin/users',
    minRole: 'admin',
    body: () => ({
      email: `new${n++}@example.test`,
      name: 'New Hire',
      role: 'sales',
      password: 'velvet-harbor-72-lantern',
    }),
  },
  {
    method: 'GET',
    path: '/api/admin/users/:id',
    minRole: 'admin',
    foreignId: (ctx: IsolationContext) => staff(ctx.t, ctx.other.id),
    homeId: (ctx: IsolationContext) => staff(ctx.t, ctx.home.id),
  },
  {
    method: 'PATCH',
    path: '/api/admin/users/:id',
    minRole: 'admin',
    body: () => ({ name: 'Renamed' }),
    foreignId: (ctx: IsolationContext) => staff(ctx.t, ctx.other.id),
    homeId: (ctx: IsolationContext) => staff(ctx.t, ctx.home.id),
  },
  {
    method: 'DELETE',
    path: '/api/admin/users/:id',
    minRole: 'admin',
    foreignId: (ctx: IsolationContext) => staff(ctx.t, ctx.other.id),
    homeId: (ctx: IsolationContext) => staff(ctx.t, ctx.home.id),
  },
  { method: 'GET', path: '/api/admin/audit-logs', minRole: 'admin' },
]);
