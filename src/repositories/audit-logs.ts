// The audit log: who did what to which object, with secrets redacted at any depth and the IP masked.
import { and, count, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import { type AuditLog, auditLogs } from '../../drizzle/schema';
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
  /** When it happened (the caller's clock); defaults to the database's now(). */
  at?: Date;
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
    ...(entry.at ? { createdAt: entry.at } : {}),
  });
}

export type AuditFilters = {
  action?: string | undefined;
  actorId?: string | undefined;
  /** Inclusive lower bound on createdAt. */
  from?: Date | undefined;
  /** Exclusive upper bound on createdAt. */
  to?: Date | undefined;
};

/** A tenant's entries, newest first. */
export async function listAuditLogs({
  db,
  tenantId,
  filters,
  page,
  limit,
}: {
  db: Executor;
  tenantId: string;
  filters: AuditFilters;
  page: number;
  limit: number;
}): Promise<{ rows: AuditLog[]; total: number }> {
  const where: SQL[] = [eq(auditLogs.tenantId, tenantId)];
  if (filters.action) where.push(eq(auditLogs.action, filters.action));
  if (filters.actorId) where.push(eq(auditLogs.actorId, filters.actorId));
  if (filters.from) where.push(gte(auditLogs.createdAt, filters.from));
  if (filters.to) where.push(lt(auditLogs.createdAt, filters.to));
  const condition = and(...where);
  const [rows, [totals]] = await Promise.all([
    db
      .select()
      .from(auditLogs)
      .where(condition)
      .orderBy(desc(auditLogs.createdAt), desc(auditLogs.id))
      .limit(limit)
      .offset((page - 1) * limit),
    db.select({ total: count() }).from(auditLogs).where(condition),
  ]);
  return { rows, total: Number(totals?.total ?? 0) };
}
