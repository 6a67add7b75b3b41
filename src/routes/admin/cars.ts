// /api/admin/cars: dealers manage their cars. Sales read; admins and owners write. Updates are
// optimistically locked (`version` in the body or `If-Match`), and every change is audited in its transaction.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../../lib/app-env';
import { catalogChanged } from '../../lib/car-catalog';
import { adminCarListQuery, carIdParam, carStatusBody, createCarBody, updateCarBody } from '../../lib/car-schemas';
import { type CarResource, serializeCar } from '../../lib/car-serializer';
import { notFound, validationFailed } from '../../lib/errors';
import { pageMeta } from '../../lib/pagination';
import { auditContext } from '../../lib/request-meta';
import { validate } from '../../lib/validate';
import { requireRole } from '../../middleware/require-role';
import { recordAudit } from '../../repositories/audit-logs';
import { changeCarStatus, createCar, deleteCar, findCar, updateCar } from '../../repositories/cars';
import { type CarRow, type CarSort, listCars } from '../../repositories/cars-search';

const security = [{ bearerAuth: [] }];

/** `If-Match: "3"`, `W/"3"` or `3` → 3; anything else is a 400 rather than a silent unlocked write. */
function ifMatchVersion(c: Context<AppEnv>): number | undefined {
  const raw = c.req.header('if-match');
  if (raw === undefined) return undefined;
  const m = raw.trim().match(/^(?:W\/)?"?(\d{1,9})"?$/);
  if (!m) throw validationFailed([{ path: 'If-Match', message: 'must be the car version, e.g. "3"' }]);
  return Number(m[1]);
}

function lockVersion(c: Context<AppEnv>, bodyVersion: number | undefined): number | undefined {
  const header = ifMatchVersion(c);
  if (header !== undefined && bodyVersion !== undefined && header !== bodyVersion) {
    throw validationFailed([{ path: 'version', message: 'body version and If-Match disagree' }]);
  }
  return bodyVersion ?? header;
}

/** The single-car answer; its strong ETag is the version, ready to send back as If-Match. */
function single(c: Context<AppEnv>, car: CarRow, status: 200 | 201 = 200) {
  c.header('ETag', `"${car.version}"`);
  return c.json({ data: serializeCar(car, c.var.tenant) as CarResource }, status);
}

function audit(c: Context<AppEnv>, action: string, carId: string, metadata: Record<string, unknown>) {
  return {
    tenantId: c.var.tenant.id,
    action,
    targetType: 'car',
    targetId: carId,
    metadata,
    ...auditContext(c),
  };
}

export const adminCarRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({
      tags: ['Cars'],
      summary: 'Cars of every status, with the storefront filters plus `status`',
      security,
      responses: { 200: { description: '{data: Car[], meta}' } },
    }),
    requireRole('sales'),
    validate('query', adminCarListQuery),
    async (c) => {
      const q = c.req.valid('query');
      const sort: CarSort = q.sort ?? (q.q ? 'relevance' : 'newest');
      const { cars, total = 0 } = await listCars({
        db: c.var.deps.db,
        tenantId: c.var.tenant.id,
        filters: q,
        statuses: q.status,
        sort,
        page: q.page,
        limit: q.limit,
      });
      return c.json({
        data: cars.map((car) => serializeCar(car, c.var.tenant)),
        meta: pageMeta(q.page, q.limit, total),
      });
    },
  )
  .post(
    '/',
    describeRoute({
      tags: ['Cars'],
      summary: 'Create a car (draft unless status is available)',
      security,
      responses: { 201: { description: '{data: Car}' }, 409: { description: 'conflict (displayCode taken)' } },
    }),
    requireRole('admin'),
    validate('json', createCarBody),
    async (c) => {
      const input = c.req.valid('json');
      const tenantId = c.var.tenant.id;
      const car = await c.var.deps.db.transaction(async (tx) => {
        const created = await createCar({ db: tx, tenantId, input, now: c.var.deps.clock.now() });
        await recordAudit({
          db: tx,
          entry: audit(c, 'car.create', created.id, { slug: created.slug, displayCode: created.displayCode }),
        });
        return created;
      });
      catalogChanged(tenantId);
      return single(c, car, 201);
    },
  )
  .get(
    '/:id',
    describeRoute({
      tags: ['Cars'],
      summary: 'One car, any status',
      security,
      responses: { 200: { description: '{data: Car}' }, 404: { description: 'not_found' } },
    }),
    requireRole('sales'),
    validate('param', carIdParam),
    async (c) => {
      const car = await findCar({ db: c.var.deps.db, tenantId: c.var.tenant.id, id: c.req.valid('param').id });
      if (!car) throw notFound('Car');
      return single(c, car);
    },
  )
  .patch(
    '/:id',
    describeRoute({
      tags: ['Cars'],
      summary: 'Change a car; `version` (or If-Match) must be the current one',
      description: 'A stale version answers 409 version_conflict and changes nothing. The slug never changes.',
      security,
      responses: { 200: { description: '{data: Car}' }, 409: { description: 'version_conflict or conflict' } },
    }),
    requireRole('admin'),
    validate('param', carIdParam),
    validate('json', updateCarBody),
    async (c) => {
      const { id } = c.req.valid('param');
      const { version: bodyVersion, status: _status, ...changes } = c.req.valid('json');
      const version = lockVersion(c, bodyVersion);
      if (version === undefined) {
        throw validationFailed([{ path: 'version', message: 'send the current version in the body or If-Match' }]);
      }
      if (Object.keys(changes).length === 0) {
        throw validationFailed([{ path: '(root)', message: 'nothing to change' }]);
      }
      const tenantId = c.var.tenant.id;
      const car = await c.var.deps.db.transaction(async (tx) => {
        const updated = await updateCar({ db: tx, tenantId, id, version, changes, now: c.var.deps.clock.now() });
        await recordAudit({
          db: tx,
          entry: audit(c, 'car.update', id, { fields: Object.keys(changes), version: updated.version }),
        });
        return updated;
      });
      catalogChanged(tenantId);
      return single(c, car);
    },
  )
  .delete(
    '/:id',
    describeRoute({
      tags: ['Cars'],
      summary: 'Delete a car (If-Match optional)',
      security,
      responses: { 204: { description: 'Deleted' }, 404: { description: 'not_found' } },
    }),
    requireRole('admin'),
    validate('param', carIdParam),
    async (c) => {
      const { id } = c.req.valid('param');
      const tenantId = c.var.tenant.id;
      const version = ifMatchVersion(c);
      await c.var.deps.db.transaction(async (tx) => {
        const deleted = await deleteCar({ db: tx, tenantId, id, version });
        await recordAudit({
          db: tx,
          entry: audit(c, 'car.delete', id, { slug: deleted.slug, displayCode: deleted.displayCode }),
        });
      });
      catalogChanged(tenantId);
      return c.body(null, 204);
    },
  )
  .put(
    '/:id/status',
    describeRoute({
      tags: ['Cars'],
      summary: 'Change status: draft→available, available→booking|sold|draft, booking→available|sold, sold→available',
      security,
      responses: {
        200: { description: '{data: Car}' },
        409: { description: 'invalid_transition or version_conflict' },
      },
    }),
    requireRole('admin'),
    validate('param', carIdParam),
    validate('json', carStatusBody),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const version = lockVersion(c, body.version);
      const tenantId = c.var.tenant.id;
      const car = await c.var.deps.db.transaction(async (tx) => {
        const { car: changed, from } = await changeCarStatus({
          db: tx,
          tenantId,
          id,
          status: body.status,
          version,
          now: c.var.deps.clock.now(),
        });
        await recordAudit({ db: tx, entry: audit(c, 'car.status_change', id, { from, to: body.status }) });
        return changed;
      });
      catalogChanged(tenantId);
      return single(c, car);
    },
  );
