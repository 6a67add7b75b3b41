// Live-inbox events: built inside a transaction, published on the in-process bus only after it
// commits (so a listener never sees a lead that then rolls back). Delivery is per instance: staff
// connected to another instance see the change on their next load (no cross-process fan-out yet).
import type { Lead, Message } from '../../drizzle/schema';
import type { EventBus } from '../lib/event-bus';
import { leadView, messageView } from './lead-views';

export type InboxEventName =
  | 'lead.created'
  | 'lead.updated'
  | 'lead.assigned'
  | 'lead.status_changed'
  | 'message.created';

export type InboxEvent = {
  tenantId: string;
  event: InboxEventName;
  data: Record<string, unknown> & {
    lead: { id: string; assignedTo: string | null };
    /** For lead.assigned: who had it before, so they learn it left their inbox. */
    previousAssignedTo?: string | null;
  };
};

export function leadEvent(
  event: Exclude<InboxEventName, 'message.created'>,
  lead: Lead,
  extra: Record<string, unknown> = {},
): InboxEvent {
  return { tenantId: lead.tenantId, event, data: { ...extra, lead: leadView(lead) } };
}

export function messageEvent(lead: Lead, message: Message): InboxEvent {
  return {
    tenantId: lead.tenantId,
    event: 'message.created',
    data: { lead: { id: lead.id, assignedTo: lead.assignedTo }, message: messageView(message) },
  };
}

export function publishInbox(bus: EventBus, events: InboxEvent[]): void {
  for (const e of events) bus.publish({ kind: 'inbox', tenantId: e.tenantId, event: e.event, data: e.data });
}

/** Whether a staff member may see an event: everything for admins, own/unassigned leads for sales. */
export function inboxEventVisible(
  data: Record<string, unknown>,
  viewer: { userId: string; role: 'owner' | 'admin' | 'sales' },
): boolean {
  if (viewer.role !== 'sales') return true;
  const lead = data.lead as { assignedTo?: string | null } | undefined;
  const assignedTo = lead?.assignedTo ?? null;
  return assignedTo === null || assignedTo === viewer.userId || data.previousAssignedTo === viewer.userId;
}
