// The audit log: who did what to which object, with secrets redacted at any depth and the IP masked.
import { auditLogs } from '../../drizzle/schema';
import type { Executor } from '../db/client';
import { maskIp, redact } from '../lib/redact';

export type AuditActor = { type: 'user'; id: string } | { type: 'platform'; id?: null } | { type: 'system'; id?: null };

export type AuditEntry = {
  tenantId: string | null;
  actor: AuditActor;
  action: string;
  targetType?: string;
  targetId?: string | null;
  metadata?: Record<string, unknown>;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
};

export async function recordAudit({ db, entry }: { db: Executor; entry: AuditEntry }): Promise<void> {
  await db.insert(auditLogs).values({
    tenantId: entry.tenantId,
    actorType: entry.actor.type,
    actorId: entry.actor.id ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    metadata: redact(entry.metadata ?? {}) as Record<string, unknown>,
    ip: maskIp(entry.ip),
    userAgent: entry.userAgent?.slice(0, 512) ?? null,
    requestId: entry.requestId ?? null,
  });
}
