// /api/admin/auth: sign-in, token refresh, sign-out and the caller's own account. Sign-in, refresh
// and sign-out need no access token (app.ts exempts them from auth()); `me` does.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { currentUser, login, logout, refresh } from '../../auth/sessions';
import type { AppEnv } from '../../lib/app-env';
import { auditContext } from '../../lib/request-meta';
import { validate } from '../../lib/validate';
import { requireRole } from '../../middleware/require-role';

/** Paths under /api/admin that authenticate with credentials or a refresh token instead of a bearer token. */
export const PUBLIC_AUTH_PATHS = ['/api/admin/auth/login', '/api/admin/auth/refresh', '/api/admin/auth/logout'];

const loginBody = z.object({
  email: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(1024),
});
const refreshBody = z.object({ refreshToken: z.string().min(1).max(512) });

const pairDescription =
  'Token pair, returned unwrapped (not under `data`, it is not a resource): ' +
  '`{accessToken, refreshToken, tokenType:"Bearer", expiresIn, user}`. `expiresIn` is the access-token lifetime in seconds.';

const meta = (c: Parameters<typeof auditContext>[0]) => {
  const { ip, userAgent, requestId } = auditContext(c);
  return { ip, userAgent, requestId };
};

export const authRoutes = new Hono<AppEnv>()
  .post(
    '/login',
    describeRoute({
      tags: ['Auth'],
      summary: 'Sign in with e-mail and password',
      description:
        'A wrong password and an unknown e-mail both answer `401 invalid_credentials`. After 5 failures for one ' +
        'account from one client network (an IPv4 address or an IPv6 /64) within 15 minutes, that network gets ' +
        '`429 too_many_attempts` (with `Retry-After`) for the account until the window ends; other networks are ' +
        'not affected, so a stranger guessing wrong never locks the real user out. A successful sign-in clears ' +
        "its network's count. Rate limited per client IP (`login` group).",
      responses: {
        200: { description: pairDescription },
        401: { description: 'invalid_credentials' },
        429: { description: 'too_many_attempts (account locked for this client network) or rate_limited (client IP)' },
      },
    }),
    validate('json', loginBody),
    async (c) => c.json(await login(c.var.deps, c.var.tenant.id, c.req.valid('json'), meta(c))),
  )
  .post(
    '/refresh',
    describeRoute({
      tags: ['Auth'],
      summary: 'Exchange a refresh token for a new pair',
      description:
        'Refresh tokens are single-use: the presented one is spent and a new one of the same session returned. ' +
        'Presenting a spent token again answers `401 refresh_token_reused` and ends the whole session (every ' +
        'token rotated from the same sign-in), as does the loser of two concurrent refreshes with one token.',
      responses: {
        200: { description: pairDescription },
        401: { description: 'unauthorized (unknown, expired or revoked token) or refresh_token_reused' },
      },
    }),
    validate('json', refreshBody),
    async (c) => c.json(await refresh(c.var.deps, c.var.tenant.id, c.req.valid('json').refreshToken, meta(c))),
  )
  .post(
    '/logout',
    describeRoute({
      tags: ['Auth'],
      summary: 'End the session of a refresh token',
      description: 'Revokes every token of the session. Idempotent: an unknown or ended token also answers 204.',
      responses: { 204: { description: 'Session ended' } },
    }),
    validate('json', refreshBody),
    async (c) => {
      await logout(c.var.deps, c.var.tenant.id, c.req.valid('json').refreshToken, meta(c));
      return c.body(null, 204);
    },
  )
  .get(
    '/me',
    describeRoute({
      tags: ['Auth'],
      summary: 'The signed-in staff member',
      security: [{ bearerAuth: [] }],
      responses: { 200: { description: '`{data: user}`' }, 401: { description: 'unauthorized' } },
    }),
    requireRole('sales'),
    async (c) => c.json({ data: await currentUser(c.var.deps, c.var.tenant.id, c.var.auth.userId) }),
  );
