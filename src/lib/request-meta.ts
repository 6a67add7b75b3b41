// Client address and agent for audit entries; X-Forwarded-For counts only behind a trusted proxy.
import type { Context } from 'hono';
import { getConnInfo as getBunConnInfo } from 'hono/bun';
import type { AuditActor, AuditEntry } from '../repositories/audit-logs';
import type { AppEnv } from './app-env';

export function clientIp(c: Context<AppEnv>): string | null {
  if (c.get('deps').env.TRUST_PROXY) {
    const xff = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (xff) return xff;
  }
  try {
    return getBunConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
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
