// Reads what Fonnte posts to /webhook/fonnte (incoming message, message status, device status) into
// one typed union. Bodies arrive as JSON or form-encoded, so every value is read as a string.
import { z } from 'zod';

export type FonnteIncomingMessage = {
  kind: 'message';
  /** The tenant's Fonnte number that received it; compare with the integration's deviceNumber. */
  device: string | null;
  /** Sender's WhatsApp number (`628…`), or a group id ending in `@g.us` for group messages. */
  sender: string;
  /** Text, attachment caption or button-reply text; empty string for a bare attachment. */
  message: string;
  name?: string;
  /** Group member who wrote, for group messages. */
  member?: string;
  isGroup: boolean;
  /** Id to pass back as `inboxid` when replying; also the best dedupe key. */
  inboxid?: string;
  location?: string;
  url?: string;
  filename?: string;
  extension?: string;
  timestamp?: Date;
};

export type FonnteMessageStatus = {
  kind: 'message_status';
  device?: string;
  /** The id returned by send (one per target). */
  id?: string;
  stateid?: string;
  status?: string;
  state?: string;
};

export type FonnteDeviceStatus = {
  kind: 'device_status';
  device: string;
  status: 'connect' | 'disconnect';
  reason?: string;
  timestamp?: Date;
};

export type FonnteWebhookEvent = FonnteIncomingMessage | FonnteMessageStatus | FonnteDeviceStatus | { kind: 'unknown' };

// JSON gives numbers and booleans, forms give strings; empty strings count as absent.
const scalar = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined ? undefined : String(v).trim() || undefined))
  .catch(undefined);

const fields = z.looseObject({
  device: scalar,
  sender: scalar,
  message: scalar,
  text: scalar,
  member: scalar,
  name: scalar,
  location: scalar,
  pollname: scalar,
  url: scalar,
  filename: scalar,
  extension: scalar,
  inboxid: scalar,
  timestamp: scalar,
  id: scalar,
  stateid: scalar,
  status: scalar,
  state: scalar,
  reason: scalar,
});

/** Unix seconds, unix milliseconds or an ISO string. */
function parseTimestamp(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) {
    const n = Number(value);
    const date = new Date(n < 1e11 ? n * 1000 : n);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function defined<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/** Classifies one Fonnte webhook body (already decoded from JSON or a form). Never throws. */
export function parseFonnteWebhook(body: unknown): FonnteWebhookEvent {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { kind: 'unknown' };
  const lowered = Object.fromEntries(Object.entries(body).map(([k, v]) => [k.toLowerCase(), v]));
  const f = fields.parse(lowered);

  if (f.sender) {
    return defined({
      kind: 'message' as const,
      device: f.device ?? null,
      sender: f.sender,
      message: f.message ?? f.text ?? f.pollname ?? '',
      name: f.name,
      member: f.member,
      isGroup: f.sender.endsWith('@g.us'),
      inboxid: f.inboxid,
      location: f.location,
      url: f.url,
      filename: f.filename,
      extension: f.extension,
      timestamp: parseTimestamp(f.timestamp),
    });
  }

  if (f.id || f.stateid) {
    return defined({
      kind: 'message_status' as const,
      device: f.device,
      id: f.id,
      stateid: f.stateid,
      status: f.status?.toLowerCase(),
      state: f.state?.toLowerCase(),
    });
  }

  const status = f.status?.toLowerCase();
  if (f.device && (status === 'connect' || status === 'disconnect')) {
    return defined({
      kind: 'device_status' as const,
      device: f.device,
      status,
      reason: f.reason,
      timestamp: parseTimestamp(f.timestamp),
    });
  }

  return { kind: 'unknown' };
}
