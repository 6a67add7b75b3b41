// The one way a buyer's message enters the system, whatever the channel (storefront form, Fonnte,
// GoHighLevel): join or create the lead for the phone, store the message, queue the follow-up.
// Runs inside the caller's transaction; the caller publishes `events` after it commits.
import type { Lead, Message } from '../../drizzle/schema';
import type { Executor } from '../db/client';
import { enqueue } from '../jobs/queue';
import { type LeadSource, upsertLeadByPhone } from '../repositories/leads';
import { insertMessage } from '../repositories/messages';
import { type InboxEvent, leadEvent, messageEvent } from './inbox-events';

export type InboundMessageInput = {
  /** An open transaction (or the db, when the caller needs no atomicity with its own writes). */
  tx: Executor;
  tenantId: string;
  /** E.164, already normalised (src/lib/phone.ts). */
  phone: string;
  name?: string | null;
  email?: string | null;
  body: string;
  channel: Exclude<Message['channel'], 'note'>;
  source: LeadSource;
  /** The car the buyer asked about (storefront listing); replaces an older interest. */
  carId?: string | null;
  externalIds?: Record<string, string>;
  providerMessageId?: string | null;
  /** Queue `lead.follow_up` for this message (default true). */
  followUp?: boolean;
};

export type InboundMessageResult = {
  lead: Lead;
  message: Message;
  leadCreated: boolean;
  followUpJobId: string | null;
  /** Publish with publishInbox(deps.bus, events) after the transaction commits. */
  events: InboxEvent[];
};

/**
 * Race-safe under concurrency: the lead upsert is one `insert … on conflict do update` statement,
 * so simultaneous first messages from one number serialise on the lead row and make one lead.
 *
 * Follow-ups carry no job key: each message gets its own job and the task is idempotent on "the
 * latest inbound message was already answered", so a burst yields one draft and a message that
 * arrives while a follow-up is running still gets its own.
 */
export async function recordInboundMessage(input: InboundMessageInput): Promise<InboundMessageResult> {
  const { lead, created } = await upsertLeadByPhone({
    db: input.tx,
    tenantId: input.tenantId,
    phone: input.phone,
    source: input.source,
    name: input.name ?? null,
    email: input.email ?? null,
    carId: input.carId ?? null,
    ...(input.externalIds ? { externalIds: input.externalIds } : {}),
  });
  const message = await insertMessage({
    db: input.tx,
    message: {
      tenantId: input.tenantId,
      leadId: lead.id,
      direction: 'in',
      channel: input.channel,
      body: input.body,
      status: 'received',
      providerMessageId: input.providerMessageId ?? null,
    },
  });
  let followUpJobId: string | null = null;
  if (input.followUp !== false) {
    const job = await enqueue(input.tx, {
      tenantId: input.tenantId,
      type: 'lead.follow_up',
      payload: { leadId: lead.id, messageId: message.id },
    });
    followUpJobId = job.id;
  }
  const events: InboxEvent[] = [];
  if (created) events.push(leadEvent('lead.created', lead));
  events.push(messageEvent(lead, message));
  return { lead, message, leadCreated: created, followUpJobId, events };
}
