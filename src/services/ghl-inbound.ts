// What an authenticated GoHighLevel delivery does, in one transaction with its webhook_events row:
// a contact event creates or updates the lead linked to that contact; a conversation message is
// stored on that lead (inbound ones also queue the follow-up). Nothing here queues a sync back.
import type { Lead, Message, Tenant } from '../../drizzle/schema';
import type { Executor } from '../db/client';
import type { GhlContact, GhlContactEvent, GhlMessageEvent } from '../integrations/ghl';
import { enqueue } from '../jobs/queue';
import { sha256Hex } from '../lib/crypto';
import type { Deps } from '../lib/deps';
import { normalizePhone, regionFromLocale } from '../lib/phone';
import {
  findLeadByGhlContactId,
  findLeadByPhone,
  isGhlContactTaken,
  touchLeadLastMessage,
  updateLeadFromCrm,
  upsertCrmLead,
} from '../repositories/ghl-leads';
import { updateIntegration } from '../repositories/integrations';
import { upsertLeadByPhone } from '../repositories/leads';
import { insertMessage } from '../repositories/messages';
import { recordWebhookEvent } from '../repositories/webhook-events';
import { type InboxEvent, leadEvent, messageEvent, publishInbox } from './inbox-events';
import { duplicate, recorded, type WebhookAnswer } from './webhook-answers';

export type GhlDelivery = {
  tenant: Tenant;
  integrationId: string;
  payload: unknown;
  raw: Uint8Array;
};

function contactName(contact: GhlContact): string | null {
  return contact.name ?? ([contact.firstName, contact.lastName].filter(Boolean).join(' ') || null);
}

/** Lead for a contact: linked by contact id, else joined by phone, else created. */
async function leadForContact(
  tx: Executor,
  tenant: Tenant,
  contact: GhlContact,
): Promise<{ lead: Lead; created: boolean }> {
  const phone = contact.phone ? normalizePhone(contact.phone, regionFromLocale(tenant.locale)) : null;
  const name = contactName(contact);
  const email = contact.email?.toLowerCase() ?? null;
  const linked = await findLeadByGhlContactId({ db: tx, tenantId: tenant.id, contactId: contact.id });
  if (linked) {
    // A new phone that another lead already has stays off this lead (one lead per phone).
    const phoneFree =
      phone && phone !== linked.phone && !(await findLeadByPhone({ db: tx, tenantId: tenant.id, phone }));
    const lead = await updateLeadFromCrm({
      db: tx,
      tenantId: tenant.id,
      id: linked.id,
      contactId: contact.id,
      changes: { name, email, ...(phoneFree ? { phone } : {}) },
    });
    return { lead, created: false };
  }
  if (phone) {
    const joined = await upsertLeadByPhone({
      db: tx,
      tenantId: tenant.id,
      phone,
      source: 'ghl',
      name,
      email,
      externalIds: { ghlContactId: contact.id },
    });
    if (joined.created) return joined;
    const lead = await updateLeadFromCrm({
      db: tx,
      tenantId: tenant.id,
      id: joined.lead.id,
      contactId: contact.id,
      changes: { name, email },
    });
    return { lead, created: false };
  }
  return upsertCrmLead({
    db: tx,
    values: { tenantId: tenant.id, contactId: contact.id, name, email, tags: contact.tags },
  });
}

function eventKey(delivery: GhlDelivery, webhookId: string | undefined): string {
  return webhookId ? `webhook:${webhookId}` : `sha256:${sha256Hex(delivery.raw)}`;
}

/**
 * Runs the delivery's transaction; when linking a contact to a lead by phone collides with a concurrent
 * delivery that linked the contact elsewhere first (the unique contact index), it runs once more and then
 * finds that lead by its contact id.
 */
async function inTransaction(
  deps: Deps,
  delivery: GhlDelivery,
  event: { type: string; webhookId?: string },
  apply: (tx: Executor) => Promise<InboxEvent[]>,
): Promise<WebhookAnswer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptTransaction(deps, delivery, event, apply);
    } catch (err) {
      if (attempt >= 3 || !isGhlContactTaken(err)) throw err;
    }
  }
}

async function attemptTransaction(
  deps: Deps,
  delivery: GhlDelivery,
  event: { type: string; webhookId?: string },
  apply: (tx: Executor) => Promise<InboxEvent[]>,
): Promise<WebhookAnswer> {
  const events = await deps.db.transaction(async (tx) => {
    const stored = await recordWebhookEvent({
      db: tx,
      event: {
        tenantId: delivery.tenant.id,
        provider: 'gohighlevel',
        eventId: eventKey(delivery, event.webhookId),
        eventType: event.type,
        payload: delivery.payload,
        processedAt: deps.clock.now(),
      },
    });
    if (!stored) return null;
    const changes = await apply(tx);
    await updateIntegration({
      db: tx,
      tenantId: delivery.tenant.id,
      id: delivery.integrationId,
      changes: { lastSyncAt: deps.clock.now() },
    });
    return changes;
  });
  if (!events) return duplicate;
  publishInbox(deps.bus, events);
  return recorded;
}

export function handleGhlContact(deps: Deps, delivery: GhlDelivery, event: GhlContactEvent): Promise<WebhookAnswer> {
  return inTransaction(deps, delivery, event, async (tx) => {
    const { lead, created } = await leadForContact(tx, delivery.tenant, event.contact);
    return [leadEvent(created ? 'lead.created' : 'lead.updated', lead)];
  });
}

/** GoHighLevel message states as ours; inbound messages are always `received`. */
function outboundStatus(status: string | undefined): Message['status'] {
  switch (status?.toLowerCase()) {
    case 'delivered':
      return 'delivered';
    case 'read':
    case 'opened':
      return 'read';
    case 'failed':
    case 'undelivered':
      return 'failed';
    case 'pending':
    case 'scheduled':
      return 'queued';
    default:
      return 'sent';
  }
}

export function handleGhlMessage(deps: Deps, delivery: GhlDelivery, event: GhlMessageEvent): Promise<WebhookAnswer> {
  return inTransaction(deps, delivery, event, async (tx) => {
    const tenantId = delivery.tenant.id;
    const { message: m } = event;
    // A message can arrive before its contact event: the lead is created from the contact id alone.
    const existing = await findLeadByGhlContactId({ db: tx, tenantId, contactId: m.contactId });
    const created = existing ? null : await upsertCrmLead({ db: tx, values: { tenantId, contactId: m.contactId } });
    const lead = existing ?? created!.lead;
    const inbound = event.direction === 'inbound';
    const message = await insertMessage({
      db: tx,
      message: {
        tenantId,
        leadId: lead.id,
        direction: inbound ? 'in' : 'out',
        channel: 'ghl',
        body: m.body || (m.attachments.length > 0 ? `[attachment] ${m.attachments.join(' ')}` : '[empty message]'),
        status: inbound ? 'received' : outboundStatus(m.status),
        providerMessageId: m.messageId ?? null,
      },
    });
    const touched = await touchLeadLastMessage({ db: tx, tenantId, id: lead.id });
    if (inbound) {
      await enqueue(tx, { tenantId, type: 'lead.follow_up', payload: { leadId: lead.id, messageId: message.id } });
    }
    return [...(created?.created ? [leadEvent('lead.created', touched)] : []), messageEvent(touched, message)];
  });
}
