// The audit identity of a platform request: which configured key (by position) and where from.
import type { Context } from 'hono';
import type { AppEnv } from '../../lib/app-env';
import { auditContext } from '../../lib/request-meta';
import type { PlatformCaller } from '../../services/tenants';

export function platformCaller(c: Context<AppEnv>): PlatformCaller {
  const { ip, userAgent, requestId } = auditContext(c);
  return { ip, userAgent, requestId, via: 'api', keyId: c.var.platform.keyId };
}
