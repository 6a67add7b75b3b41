// Role guard: owner > admin > sales. Used by every admin route.
import type { MiddlewareHandler } from 'hono';
import type { UserRole } from '../../drizzle/schema';
import type { AppEnv } from '../lib/app-env';
import { forbidden } from '../lib/errors';

const rank: Record<UserRole, number> = { sales: 1, admin: 2, owner: 3 };

export const roleAtLeast = (role: UserRole, minimum: UserRole) => rank[role] >= rank[minimum];

export function requireRole(minimum: UserRole): MiddlewareHandler<AppEnv> {
  if (!(minimum in rank)) throw new Error(`requireRole: unknown role ${minimum}`);
  return async function requireRole(c, next) {
    if (!roleAtLeast(c.var.auth.role, minimum)) throw forbidden();
    await next();
  };
}
