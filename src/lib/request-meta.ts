// Client address and agent for audit entries; X-Forwarded-For counts only behind a trusted proxy.

import { getConnInfo as getNodeConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { Env } from '../env';
import type { AuditActor, AuditEntry } from '../repositories/audit-logs';
import type { AppEnv } from './app-env';
import { forwardedClient } from './ip';

/** How many X-Forwarded-For entries, from the right, were written by proxies we trust (0: none). */
export const trustedProxyHops = (env: Pick<Env, 'TRUST_PROXY' | 'TRUST_PROXY_HOPS'>): number =>
  env.TRUST_PROXY ? env.TRUST_PROXY_HOPS : 0;

/**
 * The client's address: behind trusted proxies the one the outermost of them saw (forwardedClient: never
 * an entry the client could write), otherwise, or when that entry is no address, the socket's.
 */
export function clientIp(c: Context<AppEnv>, proxyHops: number = trustedProxyHops(c.get('deps').env)): string | null {
  if (proxyHops > 0) {
    const xff = c.req.raw.headers.get('x-forwarded-for');
    const forwarded = xff === null ? null : forwardedClient(xff, proxyHops);
    if (forwarded !== null) return forwarded;
  }
  // The runtime's socket address: Bun.serve passes the server as c.env, @hono/node-server the IncomingMessage.
  // (hono/bun is not imported: it touches the Bun global at load time, which breaks the Node entry.)
  const env = c.env as { requestIP?: (req: Request) => { address?: string } | null; incoming?: unknown } | undefined;
  try {
    if (typeof env?.requestIP === 'function') return env.requestIP(c.req.raw)?.address ?? null;
    if (env?.incoming) return getNodeConnInfo(c).remote.address ?? null;
  } catch {
    // No socket information (e.g. app.request in tests): the address is unknown.
  }
  return null;
}

/** The request-derived part of an audit entry: actor from c.var.auth, masked IP, agent, request id. */
export function auditContext(c: Context<AppEnv>): Pick<AuditEntry, 'actor' | 'ip' | 'userAgent' | 'requestId'> {
  const actor: AuditActor = c.var.auth
    ? { type: 'user', id: c.var.auth.userId }
    : c.var.platform
      ? { type: 'platform' }
      : { type: 'system' };
  return {
    actor,
    ip: clientIp(c),
    userAgent: c.req.header('user-agent') ?? null,
    requestId: c.var.requestId,
  };
}
