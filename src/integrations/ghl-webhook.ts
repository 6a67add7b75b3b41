// Reads GoHighLevel webhook bodies (flat marketplace events and the `{type, source, payload}`
// envelope) into one typed union; the route verifies the signature before calling this.
import { z } from 'zod';

export type GhlContact = {
  id: string;
  locationId: string;
  firstName?: string;
  lastName?: string;
  name?: string;
  email?: string;
  phone?: string;
  companyName?: string;
  source?: string;
  tags: string[];
  dnd?: boolean;
  dateAdded?: string;
  assignedTo?: string;
  customFields: { id: string; value: unknown }[];
};

export type GhlMessage = {
  contactId: string;
  conversationId?: string;
  messageId?: string;
  body: string;
  contentType?: string;
  /** SMS | Email | CALL | WhatsApp | … */
  messageType?: string;
  status?: string;
  dateAdded?: string;
  attachments: string[];
};

type Delivery = {
  /** The event type as sent (`ContactCreate`, `contact.created`, …). */
  type: string;
  /** Dedupe key: GoHighLevel delivers at least once. */
  webhookId?: string;
  /** When GoHighLevel sent it; reject deliveries older than ~5 minutes. */
  timestamp?: Date;
};

export type GhlContactEvent = Delivery & {
  kind: 'contact';
  action: 'created' | 'updated';
  locationId: string;
  contact: GhlContact;
};

export type GhlMessageEvent = Delivery & {
  kind: 'message';
  direction: 'inbound' | 'outbound';
  locationId: string;
  message: GhlMessage;
};

export type GhlIgnoredEvent = Delivery & { kind: 'ignored'; locationId?: string };

/** A recognised event type whose body lacks what we need (answer 400 validation_failed). */
export type GhlInvalidEvent = { kind: 'invalid'; type?: string; issues: { path: string; message: string }[] };

export type GhlWebhookEvent = GhlContactEvent | GhlMessageEvent | GhlIgnoredEvent | GhlInvalidEvent;

const CONTACT_TYPES: Record<string, 'created' | 'updated'> = {
  contactcreate: 'created',
  'contact.created': 'created',
  'contact.create': 'created',
  contactupdate: 'updated',
  'contact.updated': 'updated',
  'contact.update': 'updated',
};

const MESSAGE_TYPES: Record<string, 'inbound' | 'outbound'> = {
  inboundmessage: 'inbound',
  'message.inbound': 'inbound',
  outboundmessage: 'outbound',
  'message.outbound': 'outbound',
};

// Optional fields tolerate junk (a wrong type becomes absent) so one odd field cannot drop an event.
const optText = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .optional()
  .catch(undefined)
  .transform((v) => (v ? v : undefined));
const requiredText = z.union([z.string().trim().min(1), z.number().transform(String)]);

const contactSchema = z.object({
  id: requiredText,
  locationId: requiredText,
  firstName: optText,
  lastName: optText,
  name: optText,
  email: optText,
  phone: optText,
  companyName: optText,
  source: optText,
  tags: z
    .array(z.unknown())
    .transform((tags) => tags.filter((t): t is string => typeof t === 'string' && t.length > 0))
    .catch([]),
  dnd: z.boolean().optional().catch(undefined),
  dateAdded: optText,
  assignedTo: optText,
  customFields: z
    .array(z.unknown())
    .transform((items) =>
      items.flatMap((item) => {
        const f = item as { id?: unknown; value?: unknown; field_value?: unknown } | null;
        return f && typeof f.id === 'string' ? [{ id: f.id, value: f.value ?? f.field_value ?? null }] : [];
      }),
    )
    .catch([]),
});

const messageSchema = z.object({
  locationId: requiredText,
  contactId: requiredText,
  conversationId: optText,
  messageId: optText,
  body: optText.transform((v) => v ?? ''),
  contentType: optText,
  messageType: optText,
  status: optText,
  dateAdded: optText,
  attachments: z
    .array(z.unknown())
    .transform((a) => a.filter((x): x is string => typeof x === 'string'))
    .catch([]),
});

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function timestampOf(value: unknown): Date | undefined {
  if (typeof value === 'number') return new Date(value < 1e11 ? value * 1000 : value);
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const t = value.trim();
  if (/^\d+$/.test(t)) return timestampOf(Number(t));
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function issuesOf(error: z.ZodError) {
  return error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
}

function defined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/** Classifies one GoHighLevel webhook body (parsed JSON). Never throws. */
export function parseGhlWebhook(body: unknown): GhlWebhookEvent {
  const outer = record(body);
  const type = typeof outer?.type === 'string' ? text(outer.type) : undefined;
  if (!outer || !type) {
    return {
      kind: 'invalid',
      issues: [{ path: 'type', message: 'Webhook body must be an object with a type' }],
    };
  }

  // Envelope form: {type:"contact.created", source, payload:{…}} (payload may nest the contact).
  const payload = record(outer.payload);
  const nested = record(payload?.contact);
  const inner: Record<string, unknown> = payload ? { ...payload, ...(nested ?? {}) } : outer;
  const locationId = text(inner.locationId) ?? text(payload?.locationId) ?? text(outer.locationId);
  const delivery = defined({
    type,
    webhookId: text(outer.webhookId) ?? text(payload?.webhookId) ?? (payload ? text(outer.id) : undefined),
    timestamp: timestampOf(outer.timestamp ?? payload?.timestamp),
  });

  const key = type.toLowerCase();
  const action = CONTACT_TYPES[key];
  if (action) {
    const parsed = contactSchema.safeParse({ ...inner, id: inner.id ?? inner.contactId, locationId });
    if (!parsed.success) return { kind: 'invalid', type, issues: issuesOf(parsed.error) };
    const contact = defined(parsed.data) as GhlContact;
    return { kind: 'contact', action, ...delivery, locationId: contact.locationId, contact };
  }

  const direction = MESSAGE_TYPES[key];
  if (direction) {
    const parsed = messageSchema.safeParse({ ...inner, locationId });
    if (!parsed.success) return { kind: 'invalid', type, issues: issuesOf(parsed.error) };
    const { locationId: loc, ...message } = parsed.data;
    return {
      kind: 'message',
      direction,
      ...delivery,
      locationId: loc,
      message: defined(message) as GhlMessage,
    };
  }

  return defined({ kind: 'ignored' as const, ...delivery, locationId });
}
