// Every admin cars route under the shared suite: 401 without/with a bad token, 404 for another tenant's car,
// 403 below the route's role.
import { runIsolationSuite } from '../helpers/isolation';
import { carBody, makeCar } from './fixtures';

const foreignId = async (
  ctx: Parameters<NonNullable<Parameters<typeof runIsolationSuite>[1][number]['foreignId']>>[0],
) => (await makeCar(ctx.t.deps, ctx.other.id, 'available')).id;
const homeId = async (ctx: Parameters<NonNullable<Parameters<typeof runIsolationSuite>[1][number]['homeId']>>[0]) =>
  (await makeCar(ctx.t.deps, ctx.home.id, 'available')).id;

runIsolationSuite('admin cars', [
  { method: 'GET', path: '/api/admin/cars', minRole: 'sales' },
  { method: 'POST', path: '/api/admin/cars', minRole: 'admin', body: () => carBody() },
  { method: 'GET', path: '/api/admin/cars/:id', minRole: 'sales', foreignId, homeId },
  {
    method: 'PATCH',
    path: '/api/admin/cars/:id',
    minRole: 'admin',
    body: () => ({ version: 3, price: 123_000_000 }),
    foreignId,
    homeId,
  },
  { method: 'DELETE', path: '/api/admin/cars/:id', minRole: 'admin', foreignId, homeId },
  {
    method: 'PUT',
    path: '/api/admin/cars/:id/status',
    minRole: 'admin',
    body: () => ({ status: 'booking' }),
    foreignId,
    homeId,
  },
]);
