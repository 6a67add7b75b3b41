// /api/admin/users: staff management. Owners manage everyone, admins manage sales staff, sales
// manage nobody; owners and admins may change their own name and password; the last active owner stays one.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { type User, userRole, userStatus } from '../../../drizzle/schema';
import { hashPassword } from '../../auth/password';
import { PASSWORD_MAX_LENGTH, passwordProblems } from '../../auth/password-policy';
import { canManage, staffUser } from '../../auth/staff';
import type { AppEnv } from '../../lib/app-env';
import { conflict, forbidden, isUniqueViolation, notFound } from '../../lib/errors';
import { pageMeta, paginationShape } from '../../lib/pagination';
import { auditContext } from '../../lib/request-meta';
import { type ValidateOptions, validate } from '../../lib/validate';
import { requireRole } from '../../middleware/require-role';
import { recordAudit } from '../../repositories/audit-logs';
import { revokeUserRefreshTokens } from '../../repositories/refresh-tokens';
import {
  deleteUser,
  findUserById,
  insertUser,
  listUsers,
  lockUserAndOwners,
  updateUser,
} from '../../repositories/users';

const listQuery = z.object({
  ...paginationShape,
  role: z.enum(userRole.enumValues).optional(),
  status: z.enum(userStatus.enumValues).optional(),
});
const idParam = z.object({ id: z.uuid() });
const email = z.email().max(254);
const name = z.string().trim().min(1).max(200);
const password = z.string().max(PASSWORD_MAX_LENGTH * 4);
const createBody = z.object({ email, name, role: z.enum(userRole.enumValues), password });
const patchBody = z
  .object({
    email: email.optional(),
    name: name.optional(),
    role: z.enum(userRole.enumValues).optional(),
    status: z.enum(userStatus.enumValues).optional(),
    password: password.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'Nothing to change' });

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
const fields = (raw: unknown) => (raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {});

/** The password policy, run alongside the schema so its problems share the schema's 400. */
const createChecks: ValidateOptions<typeof createBody>['also'] = ({ raw, parsed }) => {
  const body = parsed ?? fields(raw);
  const candidate = text(body.password);
  return candidate === undefined ? [] : passwordProblems(candidate, { email: text(body.email), name: text(body.name) });
};

/** As createChecks; the e-mail and name a new password must avoid default to the account's current ones. */
const patchChecks: ValidateOptions<typeof patchBody>['also'] = async ({ raw, parsed }, c) => {
  const body = parsed ?? fields(raw);
  const candidate = text(body.password);
  if (candidate === undefined) return [];
  // The :id was validated by the param validator that runs first.
  const id = c.req.param('id');
  const target = id ? await findUserById({ db: c.var.deps.db, tenantId: c.var.tenant.id, id }) : null;
  return passwordProblems(candidate, {
    email: text(body.email) ?? target?.email,
    name: text(body.name) ?? target?.name,
  });
};

const lastOwner = () => conflict('The tenant must keep at least one active owner');
const emailTaken = () => conflict('E-mail is already in use', [{ path: 'email', message: 'Already in use' }]);

export const userRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({
      tags: ['Staff'],
      summary: 'List staff accounts (admin, owner)',
      security: [{ bearerAuth: [] }],
      responses: { 200: { description: 'Paginated `{data, meta}` of users, oldest first' } },
    }),
    requireRole('admin'),
    validate('query', listQuery),
    async (c) => {
      const { page, limit, role, status } = c.req.valid('query');
      const { rows, total } = await listUsers({
        db: c.var.deps.db,
        tenantId: c.var.tenant.id,
        page,
        limit,
        role,
        status,
      });
      return c.json({ data: rows.map(staffUser), meta: pageMeta(page, limit, total) });
    },
  )
  .post(
    '/',
    describeRoute({
      tags: ['Staff'],
      summary: 'Create a staff account',
      description:
        'Owners create any role, admins create sales staff only (else 403). Passwords: at least 12 characters, ' +
        'not a common password, not containing the e-mail or name (400 validation_failed). A taken e-mail is 409 conflict.',
      security: [{ bearerAuth: [] }],
      responses: {
        201: { description: '`{data: user}`' },
        403: { description: 'forbidden' },
        409: { description: 'conflict' },
      },
    }),
    requireRole('admin'),
    validate('json', createBody, { also: createChecks }),
    async (c) => {
      const body = c.req.valid('json');
      if (!canManage(c.var.auth.role, body.role)) throw forbidden(`Your role cannot create ${body.role} accounts`);
      const tenantId = c.var.tenant.id;
      const passwordHash = await hashPassword(body.password);
      try {
        const user = await c.var.deps.db.transaction(async (tx) => {
          const created = await insertUser({
            db: tx,
            tenantId,
            values: { email: body.email, name: body.name, role: body.role, passwordHash },
          });
          await recordAudit({
            db: tx,
            entry: {
              tenantId,
              ...auditContext(c),
              action: 'user.create',
              targetType: 'user',
              targetId: created.id,
              metadata: { email: created.email, role: created.role },
            },
          });
          return created;
        });
        return c.json({ data: staffUser(user) }, 201);
      } catch (err) {
        if (isUniqueViolation(err)) throw emailTaken();
        throw err;
      }
    },
  )
  .get(
    '/:id',
    describeRoute({
      tags: ['Staff'],
      summary: 'One staff account',
      security: [{ bearerAuth: [] }],
      responses: { 200: { description: '`{data: user}`' }, 404: { description: 'not_found' } },
    }),
    requireRole('admin'),
    validate('param', idParam),
    async (c) => {
      const user = await findUserById({ db: c.var.deps.db, tenantId: c.var.tenant.id, id: c.req.valid('param').id });
      if (!user) throw notFound('User');
      return c.json({ data: staffUser(user) });
    },
  )
  .patch(
    '/:id',
    describeRoute({
      tags: ['Staff'],
      summary: 'Change a staff account',
      description:
        'Owners change anyone; admins change sales staff and may only keep them sales. Owners and admins may change ' +
        'their own `name` and `password` (sales staff cannot use this route: CONTRACT §4 gives it to owners and ' +
        'admins). Demoting or disabling the last active owner is `409 conflict`. A new password ' +
        'or `status: disabled` ends the account’s sessions (refresh tokens revoked).',
      security: [{ bearerAuth: [] }],
      responses: {
        200: { description: '`{data: user}`' },
        403: { description: 'forbidden' },
        404: { description: 'not_found' },
        409: { description: 'conflict (e-mail taken, last owner)' },
      },
    }),
    requireRole('admin'),
    validate('param', idParam),
    validate('json', patchBody, { also: patchChecks }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const { deps, auth } = c.var;
      const tenantId = c.var.tenant.id;
      const target = await findUserById({ db: deps.db, tenantId, id });
      if (!target) throw notFound('User');

      const changed = (Object.keys(body) as (keyof typeof body)[]).filter((k) => body[k] !== undefined);
      /** The role rules, applied to the target as read and again to the row locked in the transaction. */
      const authorize = (user: User) => {
        if (user.id === auth.userId && changed.every((k) => k === 'name' || k === 'password')) return;
        if (!canManage(auth.role, user.role)) throw forbidden(`Your role cannot change ${user.role} accounts`);
        if (body.role && !canManage(auth.role, body.role)) throw forbidden(`Your role cannot grant ${body.role}`);
      };
      authorize(target); // before the costly hash
      const passwordHash = body.password !== undefined ? await hashPassword(body.password) : undefined;

      try {
        const updated = await deps.db.transaction(async (tx) => {
          // Decided on the row as it is now, locked with every active owner (see lockUserAndOwners): the
          // target may have changed since it was read above.
          const locked = await lockUserAndOwners({ db: tx, tenantId, id });
          const current = locked.target;
          if (!current) throw notFound('User');
          authorize(current);
          const losesOwner =
            current.role === 'owner' &&
            current.status === 'active' &&
            ((body.role !== undefined && body.role !== 'owner') || body.status === 'disabled');
          if (losesOwner && locked.otherActiveOwners === 0) throw lastOwner();
          const endsSessions =
            passwordHash !== undefined || (body.status === 'disabled' && current.status !== 'disabled');
          const row = await updateUser({
            db: tx,
            tenantId,
            id,
            values: {
              ...(body.email !== undefined ? { email: body.email } : {}),
              ...(body.name !== undefined ? { name: body.name } : {}),
              ...(body.role !== undefined ? { role: body.role } : {}),
              ...(body.status !== undefined ? { status: body.status } : {}),
              ...(passwordHash !== undefined ? { passwordHash } : {}),
            },
          });
          if (!row) throw notFound('User');
          if (endsSessions) await revokeUserRefreshTokens({ db: tx, tenantId, userId: id, at: deps.clock.now() });
          await recordAudit({
            db: tx,
            entry: {
              tenantId,
              ...auditContext(c),
              action: 'user.update',
              targetType: 'user',
              targetId: id,
              metadata: {
                changed,
                ...(body.role && body.role !== current.role ? { role: { from: current.role, to: body.role } } : {}),
                ...(body.status && body.status !== current.status
                  ? { status: { from: current.status, to: body.status } }
                  : {}),
                ...(body.email && row.email !== current.email ? { email: { from: current.email, to: row.email } } : {}),
                sessionsEnded: endsSessions,
              },
            },
          });
          return row;
        });
        return c.json({ data: staffUser(updated) });
      } catch (err) {
        if (isUniqueViolation(err)) throw emailTaken();
        throw err;
      }
    },
  )
  .delete(
    '/:id',
    describeRoute({
      tags: ['Staff'],
      summary: 'Remove a staff account',
      description:
        'Deletes the account and its sessions; its leads become unassigned. The audit log keeps its id, e-mail ' +
        'and name. To keep an account but stop its access, PATCH `status: disabled` instead. You cannot remove ' +
        'yourself (403); the last active owner cannot be removed (409 conflict).',
      security: [{ bearerAuth: [] }],
      responses: {
        204: { description: 'Removed' },
        403: { description: 'forbidden' },
        404: { description: 'not_found' },
      },
    }),
    requireRole('admin'),
    validate('param', idParam),
    async (c) => {
      const { id } = c.req.valid('param');
      const { deps, auth } = c.var;
      const tenantId = c.var.tenant.id;
      const target = await findUserById({ db: deps.db, tenantId, id });
      if (!target) throw notFound('User');
      if (target.id === auth.userId) throw forbidden('You cannot remove your own account');
      const authorize = (user: User) => {
        if (!canManage(auth.role, user.role)) throw forbidden(`Your role cannot remove ${user.role} accounts`);
      };
      authorize(target);
      await deps.db.transaction(async (tx) => {
        // Decided on the row as it is now, locked with every active owner (see lockUserAndOwners).
        const locked = await lockUserAndOwners({ db: tx, tenantId, id });
        const current = locked.target;
        if (!current) throw notFound('User');
        authorize(current);
        if (current.role === 'owner' && current.status === 'active' && locked.otherActiveOwners === 0) {
          throw lastOwner();
        }
        if (!(await deleteUser({ db: tx, tenantId, id }))) throw notFound('User');
        await recordAudit({
          db: tx,
          entry: {
            tenantId,
            ...auditContext(c),
            action: 'user.delete',
            targetType: 'user',
            targetId: id,
            metadata: { email: current.email, name: current.name, role: current.role },
          },
        });
      });
      return c.body(null, 204);
    },
  );
