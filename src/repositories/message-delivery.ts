// Outbound message delivery state: what whatsapp.send and Fonnte status callbacks write. Status only
// moves forward (queued → sent → delivered → read), so a late or repeated callback cannot undo it.
import { and, eq, inArray } from 'drizzle-orm';
import { type Message, messages } from '../../drizzle/schema';
import type { Executor } from '../db/client';

type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** The states each delivery status may follow. */
const PREDECESSORS: Record<DeliveryStatus, Message['status'][]> = {
  sent: ['queued', 'failed'],
  delivered: ['queued', 'sent', 'failed'],
  read: ['queued', 'sent', 'delivered', 'failed'],
  failed: ['queued', 'sent'],
};

export async function markMessageSent({
  db,
  tenantId,
  id,
  providerMessageId,
}: {
  db: Executor;
  tenantId: string;
  id: string;
  providerMessageId: string | null;
}): Promise<void> {
  await db
    .update(messages)
    .set({ status: 'sent', providerMessageId, error: null })
    .where(and(eq(messages.tenantId, tenantId), eq(messages.id, id), inArray(messages.status, PREDECESSORS.sent)));
}

export async function markMessageFailed({
  db,
  tenantId,
  id,
  error,
}: {
  db: Executor;
  tenantId: string;
  id: string;
  error: string;
}): Promise<void> {
  await db
    .update(messages)
    .set({ status: 'failed', error: error.slice(0, 1000) })
    .where(
      and(
        eq(messages.tenantId, tenantId),
        eq(messages.id, id),
        inArray(messages.status, ['queued', 'draft', 'failed']),
      ),
    );
}

/** Keeps the latest transient error on a message that will be retried (its status stays queued). */
export async function noteMessageError({
  db,
  tenantId,
  id,
  error,
}: {
  db: Executor;
  tenantId: string;
  id: string;
  error: string;
}): Promise<void> {
  await db
    .update(messages)
    .set({ error: error.slice(0, 1000) })
    .where(and(eq(messages.tenantId, tenantId), eq(messages.id, id)));
}

/** Applies a provider status callback to the outbound message with that provider id; returns how many changed. */
export async function advanceDeliveryStatus({
  db,
  tenantId,
  providerMessageId,
  status,
  error,
}: {
  db: Executor;
  tenantId: string;
  providerMessageId: string;
  status: DeliveryStatus;
  error?: string | null;
}): Promise<number> {
  const rows = await db
    .update(messages)
    .set({ status, ...(status === 'failed' ? { error: (error ?? 'Delivery failed').slice(0, 1000) } : {}) })
    .where(
      and(
        eq(messages.tenantId, tenantId),
        eq(messages.providerMessageId, providerMessageId),
        eq(messages.direction, 'out'),
        inArray(messages.status, PREDECESSORS[status]),
      ),
    )
    .returning({ id: messages.id });
  return rows.length;
}
