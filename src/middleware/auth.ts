// Bearer access-token authentication for the admin API. The token must be valid, belong to the
// host's tenant, and its user must still be active; the user's current role (not the token's) applies.
import { and, eq } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { users } from '../../drizzle/schema';
import { bearerClaims } from '../auth/bearer';
import type { AppEnv } from '../lib/app-env';
import { unauthorized } from '../lib/errors';

export function auth(): MiddlewareHandler<AppEnv> {
  return async function auth(c, next) {
    const claims = await bearerClaims(c);
    // One answer for every failure (missing, malformed, expired, wrong key, other tenant, gone user).
    if (!claims) throw unauthorized(c.req.header('authorization') ? 'Invalid or expired token' : undefined);
    const tenant = c.var.tenant;
    if (claims.tid !== tenant.id) throw unauthorized('Invalid or expired token');
    const [user] = await c.var.deps.db
      .select({ id: users.id, role: users.role, email: users.email, status: users.status })
      .from(users)
      .where(and(eq(users.tenantId, tenant.id), eq(users.id, claims.sub)))
      .limit(1);
    if (user?.status !== 'active') throw unauthorized('Invalid or expired token');
    c.set('auth', { userId: user.id, tenantId: tenant.id, role: user.role, email: user.email });
    await next();
  };
}
