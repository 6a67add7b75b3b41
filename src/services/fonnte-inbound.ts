// What an authenticated Fonnte delivery does, each in one transaction with its webhook_events row:
// an incoming WhatsApp message becomes a lead + inbound message + follow-up job; a message-status
// callback moves an outbound message forward; a device-status callback moves the integration status.
import { uuidv7 } from 'uuidv7';
import type { Integration, Tenant } from '../../drizzle/schema';
import type { FonnteDeviceStatus, FonnteIncomingMessage, FonnteMessageStatus } from '../integrations/fonnte';
import { sha256Hex } from '../lib/crypto';
import type { Deps } from '../lib/deps';
import { normalizePhone, regionFromLocale } from '../lib/phone';
import { updateIntegration } from '../repositories/integrations';
import { advanceDeliveryStatus } from '../repositories/message-delivery';
import { recordWebhookEvent } from '../repositories/webhook-events';
import { recordInboundMessage } from './inbound-messages';
import { publishInbox } from './inbox-events';
import { statusAfter } from './integration-status';
import { duplicate, ignored, recorded, type WebhookAnswer } from './webhook-answers';

export type FonnteDelivery = {
  tenant: Tenant;
  integration: Integration;
  /** The decoded body, stored as the event payload. */
  payload: Record<string, unknown>;
  /** The raw body bytes, hashed for a dedupe key when the event carries no id. */
  raw: Uint8Array;
};

const contentKey = (raw: Uint8Array) => `sha256:${sha256Hex(raw)}`;

/** What Fonnte's body looks like when an attachment has no caption. */
function messageText(event: FonnteIncomingMessage): string {
  if (event.message) return event.message;
  if (event.location) return `[location] ${event.location}`;
  if (event.url)
    return `[${event.extension ?? 'attachment'}] ${event.filename ?? ''} ${event.url}`.replace(/\s+/g, ' ');
  return '[empty message]';
}

export async function handleFonnteMessage(
  deps: Deps,
  delivery: FonnteDelivery,
  event: FonnteIncomingMessage,
): Promise<WebhookAnswer> {
  const { tenant } = delivery;
  // Group chats are not buyers writing to the dealership.
  if (event.isGroup) return ignored;
  const phone = normalizePhone(event.sender, regionFromLocale(tenant.locale));
  if (!phone) return ignored;

  const outcome = await deps.db.transaction(async (tx) => {
    const stored = await recordWebhookEvent({
      db: tx,
      event: {
        tenantId: tenant.id,
        provider: 'fonnte',
        eventId: event.inboxid ? `inbox:${event.inboxid}` : contentKey(delivery.raw),
        eventType: 'message',
        payload: delivery.payload,
        processedAt: deps.clock.now(),
      },
    });
    if (!stored) return null;
    const result = await recordInboundMessage({
      tx,
      tenantId: tenant.id,
      phone,
      name: event.name ?? null,
      body: messageText(event),
      channel: 'whatsapp',
      source: 'whatsapp',
      providerMessageId: event.inboxid ?? null,
    });
    return result;
  });
  if (!outcome) return duplicate;
  publishInbox(deps.bus, outcome.events);
  return recorded;
}

/**
 * Fonnte's delivery states, read from `state` first (finer) then `status`: read/played → read,
 * delivered/received → delivered, sent/server/success → sent, failed/invalid/expired/error/rejected →
 * failed; pending/processing and anything unknown change nothing.
 */
export function deliveryStatusOf(event: FonnteMessageStatus): 'sent' | 'delivered' | 'read' | 'failed' | null {
  for (const value of [event.state, event.status]) {
    switch (value) {
      case 'read':
      case 'played':
      case 'viewed':
        return 'read';
      case 'delivered':
      case 'received':
        return 'delivered';
      case 'sent':
      case 'server':
      case 'success':
        return 'sent';
      case 'failed':
      case 'invalid':
      case 'expired':
      case 'error':
      case 'rejected':
        return 'failed';
    }
  }
  return null;
}

export async function handleFonnteMessageStatus(
  deps: Deps,
  delivery: FonnteDelivery,
  event: FonnteMessageStatus,
): Promise<WebhookAnswer> {
  const status = deliveryStatusOf(event);
  // `id` is what send returned; callbacks with only `stateid` are matched on it as a best effort.
  const providerMessageId = event.id ?? event.stateid;
  if (!status || !providerMessageId) return ignored;
  const { tenant } = delivery;
  const stored = await deps.db.transaction(async (tx) => {
    const row = await recordWebhookEvent({
      db: tx,
      event: {
        tenantId: tenant.id,
        provider: 'fonnte',
        eventId: `status:${providerMessageId}:${status}`,
        eventType: 'message_status',
        payload: delivery.payload,
        processedAt: deps.clock.now(),
      },
    });
    if (!row) return false;
    await advanceDeliveryStatus({
      db: tx,
      tenantId: tenant.id,
      providerMessageId,
      status,
      error: status === 'failed' ? `WhatsApp reported ${event.state ?? event.status}` : null,
    });
    return true;
  });
  return stored ? recorded : duplicate;
}

export async function handleFonnteDeviceStatus(
  deps: Deps,
  delivery: FonnteDelivery,
  event: FonnteDeviceStatus,
): Promise<WebhookAnswer> {
  const { tenant, integration } = delivery;
  const target = event.status === 'connect' ? 'active' : 'disconnected';
  const stored = await deps.db.transaction(async (tx) => {
    const row = await recordWebhookEvent({
      db: tx,
      event: {
        tenantId: tenant.id,
        provider: 'fonnte',
        // Without a timestamp every delivery counts: applying a device state twice is harmless, while
        // deduplicating on content would swallow the second identical "disconnect" of the day.
        eventId: `device:${event.status}:${event.timestamp ? event.timestamp.getTime() : uuidv7()}`,
        eventType: 'device_status',
        payload: delivery.payload,
        processedAt: deps.clock.now(),
      },
    });
    if (!row) return false;
    await updateIntegration({
      db: tx,
      tenantId: tenant.id,
      id: integration.id,
      changes:
        target === 'active'
          ? { status: statusAfter(integration.status, 'active'), errorMessage: null, lastSyncAt: deps.clock.now() }
          : {
              status: statusAfter(integration.status, 'disconnected'),
              errorMessage: `WhatsApp device disconnected${event.reason ? `: ${event.reason}` : ''}`.slice(0, 500),
            },
    });
    return true;
  });
  return stored ? recorded : duplicate;
}
