// Bearer access-token authentication for the admin API. The token must be valid, belong to the
// host's tenant, and its user must still be active; the user's current role (not the token's) applies.
import { and, eq } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { users } from '../../drizzle/schema';
import { InvalidTokenError } from '../auth/tokens';
import type { AppEnv } from '../lib/app-env';
import { AppError, unauthorized } from '../lib/errors';

export function auth(): MiddlewareHandler<AppEnv> {
  return async function auth(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+([A-Za-z0-9\-_.]+)$/i.exec(header);
    if (!match) throw unauthorized();
    let claims: Awaited<ReturnType<AppEnv['Variables']['deps']['tokens']['verifyAccess']>>;
    try {
      claims = await c.var.deps.tokens.verifyAccess(match[1]!);
    } catch (err) {
      if (err instanceof InvalidTokenError) throw new AppError('unauthorized', 'Invalid or expired token');
      throw err;
    }
    const tenant = c.var.tenant;
    if (claims.tid !== tenant.id) throw new AppError('unauthorized', 'Invalid or expired token');
    const [user] = await c.var.deps.db
      .select({ id: users.id, role: users.role, email: users.email, status: users.status })
      .from(users)
      .where(and(eq(users.tenantId, tenant.id), eq(users.id, claims.sub)))
      .limit(1);
    if (!user || user.status !== 'active') throw new AppError('unauthorized', 'Invalid or expired token');
    c.set('auth', { userId: user.id, tenantId: tenant.id, role: user.role, email: user.email });
    await next();
  };
}
