// Client address and agent for audit entries; X-Forwarded-For counts only behind a trusted proxy.

import { getConnInfo as getNodeConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { AuditActor, AuditEntry } from '../repositories/audit-logs';
import type { AppEnv } from './app-env';
import { firstListItem } from './host';

export function clientIp(c: Context<AppEnv>, trustProxy: boolean = c.get('deps').env.TRUST_PROXY): string | null {
  if (trustProxy) {
    const xff = c.req.raw.headers.get('x-forwarded-for');
    const first = xff === null ? '' : firstListItem(xff).trim();
    if (first) return first;
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
