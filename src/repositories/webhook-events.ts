// Raw webhook deliveries: the unique (tenant, provider, event id) row is what makes a redelivered
// event a no-op, so it is written first, inside the same transaction as the change it causes.
import { webhookEvents } from '../../drizzle/schema';
import type { Executor } from '../db/client';

export type WebhookProvider = 'fonnte' | 'gohighlevel';

/** Inserts the delivery; null when this (tenant, provider, eventId) was recorded before. */
export async function recordWebhookEvent({
  db,
  event,
}: {
  db: Executor;
  event: {
    tenantId: string;
    provider: WebhookProvider;
    eventId: string;
    eventType: string | null;
    payload: unknown;
    processedAt?: Date | null;
  };
}): Promise<{ id: string } | null> {
  const rows = await db
    .insert(webhookEvents)
    .values({
      tenantId: event.tenantId,
      provider: event.provider,
      eventId: event.eventId.slice(0, 500),
      eventType: event.eventType?.slice(0, 100) ?? null,
      payload: event.payload ?? {},
      processedAt: event.processedAt ?? null,
    })
    .onConflictDoNothing({ target: [webhookEvents.tenantId, webhookEvents.provider, webhookEvents.eventId] })
    .returning({ id: webhookEvents.id });
  return rows[0] ?? null;
}
