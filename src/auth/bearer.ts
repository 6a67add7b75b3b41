// The verified claims of a request's bearer access token, computed at most once per request: the
// admin rate limiter (which keys by user) and the auth middleware both ask, only one verifies.
import type { Context } from 'hono';
import type { AppEnv } from '../lib/app-env';
import { type AccessClaims, InvalidTokenError } from './tokens';

const BEARER = /^Bearer\s+([A-Za-z0-9\-_.]+)$/i;
const verified = new WeakMap<Request, Promise<AccessClaims | null>>();

/** Claims of a valid access token, or null when there is none or it does not verify. */
export function bearerClaims(c: Context<AppEnv>): Promise<AccessClaims | null> {
  let pending = verified.get(c.req.raw);
  if (!pending) {
    const token = BEARER.exec(c.req.header('authorization') ?? '')?.[1];
    pending = token
      ? c
          .get('deps')
          .tokens.verifyAccess(token)
          .catch((err) => {
            if (err instanceof InvalidTokenError) return null;
            throw err;
          })
      : Promise.resolve(null);
    verified.set(c.req.raw, pending);
  }
  return pending;
}
