// Operator authentication for /api/platform/*: `Authorization: Bearer <PLATFORM_API_KEY>`. Several keys
// may be configured at once so one can be rotated out while the next is already in use.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../lib/app-env';
import { timingSafeEqualStr } from '../lib/crypto';
import { AppError } from '../lib/errors';

export type PlatformKeyOptions = {
  /** Overrides Env.platformApiKeys (tests, or an app that mounts the platform API elsewhere). */
  keys?: string[];
};

/** Index of the matching key, or -1. Every key is compared, so timing does not reveal which one matched. */
export function matchPlatformKey(given: string, keys: readonly string[]): number {
  let found = -1;
  for (let i = 0; i < keys.length; i++) {
    if (timingSafeEqualStr(given, keys[i]!) && found < 0) found = i;
  }
  return found;
}

export function platformKey(options: PlatformKeyOptions = {}): MiddlewareHandler<AppEnv> {
  if (options.keys?.some((k) => k.length === 0)) throw new Error('platformKey: keys must not be empty');
  return async function platformKey(c, next) {
    const keys = options.keys ?? c.var.deps.env.platformApiKeys;
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header('authorization') ?? '');
    // No configured key means the platform API is closed, never open.
    const index = match && keys.length > 0 ? matchPlatformKey(match[1]!, keys) : -1;
    if (index < 0) {
      throw new AppError('unauthorized', 'A valid platform API key is required', {
        headers: { 'WWW-Authenticate': 'Bearer realm="platform"' },
      });
    }
    // Name the key by position only: the key itself never reaches logs or the audit trail.
    c.set('platform', { keyId: `key${index + 1}` });
    await next();
  };
}
