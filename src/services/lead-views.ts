// The contract's lead and message shapes (CONTRACT §4): only the named fields, timestamps in ISO UTC.
import type { Lead, Message } from '../../drizzle/schema';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function leadView(lead: Lead) {
  return {
    id: lead.id,
    name: lead.name,
    phone: lead.phone,
    email: lead.email,
    source: lead.source,
    status: lead.status,
    score: lead.score,
    assignedTo: lead.assignedTo,
    tags: lead.tags,
    carId: lead.carId,
    notes: lead.notes,
    externalIds: lead.externalIds,
    lastMessageAt: iso(lead.lastMessageAt),
    createdAt: iso(lead.createdAt)!,
    updatedAt: iso(lead.updatedAt)!,
  };
}

export type LeadView = ReturnType<typeof leadView>;

export function leadDetailView(lead: Lead, messages: Message[]) {
  return { ...leadView(lead), qualification: lead.qualification ?? null, messages: messages.map(messageView) };
}

export function messageView(message: Message) {
  return {
    id: message.id,
    leadId: message.leadId,
    direction: message.direction,
    channel: message.channel,
    body: message.body,
    status: message.status,
    providerMessageId: message.providerMessageId,
    createdAt: iso(message.createdAt)!,
  };
}

export type MessageView = ReturnType<typeof messageView>;
