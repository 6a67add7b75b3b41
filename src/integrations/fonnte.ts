// Fonnte (WhatsApp gateway) client: send a message and check the device, with failures classified
// for the job worker. Webhook payloads are parsed in fonnte-webhook.ts.
import { ProviderError, type ProviderErrorKind, parseRetryAfter } from './provider-error';
import { type FetchLike, type HttpResult, joinUrl, lowerKeys, providerFetch } from './provider-http';

export type FonnteClientOptions = {
  /** e.g. https://api.fonnte.com (Env.FONNTE_BASE_URL or the integration's baseUrl). */
  baseUrl: string;
  /** The device token; sent as `Authorization: <token>` without "Bearer". */
  token: string;
  fetch?: FetchLike;
  /** Default 15 s. */
  timeoutMs?: number;
};

export type FonnteSendInput = {
  /** Digits with country code (`6281234567890`); several targets comma-separated. */
  target: string;
  message: string;
  /** Id of an incoming message to quote-reply to. */
  inboxid?: string;
  /** Default country code Fonnte applies to numbers starting with 0; we always send it explicitly. */
  countryCode?: string;
};

export type FonnteSendResult = {
  /** One id per target, in target order; comes back in message-status callbacks. */
  ids: string[];
  requestId: string | null;
  /** Usually "pending". */
  process: string | null;
  detail: string | null;
};

export type FonnteDeviceInfo = {
  device: string | null;
  connected: boolean;
  /** Raw `device_status` (`connect` | `disconnect`). */
  deviceStatus: string | null;
  name: string | null;
  quota: string | null;
  expired: string | null;
};

export type FonnteClient = {
  send(input: FonnteSendInput): Promise<FonnteSendResult>;
  /** Cheap connection test: `POST /device` with the device token. */
  device(): Promise<FonnteDeviceInfo>;
};

const DEFAULT_TIMEOUT_MS = 15_000;
const RATE_LIMIT_DEFAULT_MS = 60_000;
const DISCONNECTED_RETRY_MS = 5 * 60_000;

/**
 * What a `status:false` reason means. Fonnte answers HTTP 200 with a free-text reason, so this is a
 * best reading of the reasons seen in its docs and client code:
 * - token problems and bad targets will not fix themselves → permanent;
 * - quota exhausted needs a top-up by a human → permanent (an admin retries the job afterwards);
 *   retrying every few minutes would only burn attempts;
 * - a disconnected device often comes back by itself (phone offline) → retryable after 5 minutes;
 * - rate/too-many → retryable after a minute;
 * - anything unrecognised → permanent `rejected`: nothing was sent, and a human should read the reason.
 */
export function classifyFonnteReason(reason: string): { kind: ProviderErrorKind; retryAfterMs?: number } {
  const r = reason.toLowerCase();
  if (/token|unauthori[sz]ed|not authori[sz]ed/.test(r)) return { kind: 'auth' };
  if (/disconnect|not connect|offline/.test(r)) {
    return { kind: 'device_disconnected', retryAfterMs: DISCONNECTED_RETRY_MS };
  }
  if (/target|number|not (registered|exist)|not on whatsapp|invalid (phone|recipient)/.test(r)) {
    return { kind: 'invalid_target' };
  }
  if (/too many|rate limit|slow down|try again/.test(r))
    return { kind: 'rate_limited', retryAfterMs: RATE_LIMIT_DEFAULT_MS };
  if (/quota|insufficient|package|expired|balance/.test(r)) return { kind: 'quota_exceeded' };
  return { kind: 'rejected' };
}

function str(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function failFromHttp(res: HttpResult): never {
  const body = lowerKeys(res.json);
  const reason = str(body?.reason) ?? str(body?.detail) ?? str(body?.message) ?? `HTTP ${res.status}`;
  const message = `Fonnte answered ${res.status}: ${reason}`;
  if (res.status === 429) {
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after')) ?? RATE_LIMIT_DEFAULT_MS;
    throw new ProviderError('fonnte', 'rate_limited', message, { status: 429, retryAfterMs });
  }
  if (res.status >= 500) throw new ProviderError('fonnte', 'server_error', message, { status: res.status });
  if (res.status === 401 || res.status === 403)
    throw new ProviderError('fonnte', 'auth', message, { status: res.status });
  throw new ProviderError('fonnte', 'rejected', message, { status: res.status });
}

/** Reads a 2xx answer: the JSON object with lower-cased keys, or a typed failure. */
function readBody(res: HttpResult): Record<string, unknown> {
  if (res.status < 200 || res.status >= 300) failFromHttp(res);
  const body = lowerKeys(res.json);
  if (!body) {
    // Unreadable 200: the message may or may not be queued, so do not resend blindly.
    throw new ProviderError('fonnte', 'malformed_response', 'Fonnte answered with an unreadable body', {
      status: res.status,
    });
  }
  const ok = body.status === true || body.status === 'true';
  if (!ok) {
    const reason = str(body.reason) ?? str(body.detail) ?? 'unknown reason';
    const { kind, retryAfterMs } = classifyFonnteReason(reason);
    throw new ProviderError('fonnte', kind, `Fonnte refused: ${reason}`, {
      status: res.status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  return body;
}

export function createFonnteClient(options: FonnteClientOptions): FonnteClient {
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const post = (path: string, form?: Record<string, string>) =>
    providerFetch('fonnte', fetchImpl, joinUrl(options.baseUrl, path), {
      method: 'POST',
      headers: {
        authorization: options.token,
        accept: 'application/json',
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      timeoutMs,
    });

  return {
    async send(input) {
      const form: Record<string, string> = {
        target: input.target,
        message: input.message,
        countryCode: input.countryCode ?? '62',
      };
      if (input.inboxid) form.inboxid = input.inboxid;
      const body = readBody(await post('/send', form));
      const rawIds = Array.isArray(body.id) ? body.id : body.id !== undefined ? [body.id] : [];
      return {
        ids: rawIds.map(str).filter((id): id is string => id !== null),
        requestId: str(body.requestid),
        process: str(body.process),
        detail: str(body.detail),
      };
    },

    async device() {
      const body = readBody(await post('/device'));
      const deviceStatus = str(body.device_status);
      return {
        device: str(body.device),
        connected: deviceStatus?.toLowerCase() === 'connect',
        deviceStatus,
        name: str(body.name),
        quota: str(body.quota),
        expired: str(body.expired),
      };
    },
  };
}

export {
  type FonnteDeviceStatus,
  type FonnteIncomingMessage,
  type FonnteMessageStatus,
  type FonnteWebhookEvent,
  parseFonnteWebhook,
} from './fonnte-webhook';
