// GoHighLevel (LeadConnector) API v2 client: the location lookup used as a connection test and the
// contact upsert used by ghl.sync_contact. Webhook payloads are parsed in ghl-webhook.ts.
import { ProviderError, parseRetryAfter } from './provider-error';
import { type FetchLike, type HttpResult, joinUrl, providerFetch } from './provider-http';

export type GhlClientOptions = {
  /** e.g. https://services.leadconnectorhq.com (Env.GHL_BASE_URL or the integration's baseUrl). */
  baseUrl: string;
  /** Private Integration Token or OAuth access token. */
  token: string;
  /** `Version` header; contacts and locations use 2021-07-28. */
  version?: string;
  fetch?: FetchLike;
  /** Default 15 s. */
  timeoutMs?: number;
};

export type GhlLocation = {
  id: string;
  name: string | null;
  companyId: string | null;
  timezone: string | null;
  email: string | null;
  phone: string | null;
};

export type GhlUpsertContactInput = {
  locationId: string;
  firstName?: string;
  lastName?: string;
  name?: string;
  email?: string;
  /** E.164. */
  phone?: string;
  /** Replaces all of the contact's tags in GoHighLevel; omit to leave tags alone. */
  tags?: string[];
  source?: string;
};

export type GhlUpsertContactResult = { isNew: boolean; contactId: string };

export type GhlClient = {
  getLocation(locationId: string): Promise<GhlLocation>;
  upsertContact(input: GhlUpsertContactInput): Promise<GhlUpsertContactResult>;
};

const DEFAULT_TIMEOUT_MS = 15_000;
/** The burst window is 10 s (100 requests): without a header, waiting one window is enough. */
const RATE_LIMIT_DEFAULT_MS = 10_000;

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** GoHighLevel errors look like `{statusCode, message: string | string[], error}`. */
function errorText(res: HttpResult): string {
  const body = res.json as { message?: unknown; error?: unknown } | undefined;
  const message = Array.isArray(body?.message) ? body.message.join('; ') : (str(body?.message) ?? str(body?.error));
  return message ?? (res.text.slice(0, 200) || `HTTP ${res.status}`);
}

function fail(res: HttpResult, what: string): never {
  const message = `GoHighLevel ${what} failed (${res.status}): ${errorText(res)}`;
  const status = res.status;
  if (status === 429) {
    const retryAfterMs =
      parseRetryAfter(res.headers.get('retry-after')) ??
      positiveInt(res.headers.get('x-ratelimit-interval-milliseconds')) ??
      RATE_LIMIT_DEFAULT_MS;
    throw new ProviderError('gohighlevel', 'rate_limited', message, { status, retryAfterMs });
  }
  if (status >= 500) throw new ProviderError('gohighlevel', 'server_error', message, { status });
  if (status === 401 || status === 403) throw new ProviderError('gohighlevel', 'auth', message, { status });
  if (status === 404) throw new ProviderError('gohighlevel', 'not_found', message, { status });
  if (status === 400 || status === 422) throw new ProviderError('gohighlevel', 'invalid_request', message, { status });
  throw new ProviderError('gohighlevel', 'rejected', message, { status });
}

function positiveInt(value: string | null): number | undefined {
  if (!value || !/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return n > 0 ? n : undefined;
}

function malformed(res: HttpResult, what: string): never {
  throw new ProviderError('gohighlevel', 'malformed_response', `GoHighLevel ${what} answered with an unexpected body`, {
    status: res.status,
  });
}

export function createGhlClient(options: GhlClientOptions): GhlClient {
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers = {
    authorization: `Bearer ${options.token}`,
    version: options.version ?? '2021-07-28',
    accept: 'application/json',
  };

  const call = (method: string, path: string, body?: unknown) =>
    providerFetch('gohighlevel', fetchImpl, joinUrl(options.baseUrl, path), {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      timeoutMs,
    });

  return {
    async getLocation(locationId) {
      const res = await call('GET', `/locations/${encodeURIComponent(locationId)}`);
      if (res.status !== 200) fail(res, 'location lookup');
      const location = (res.json as { location?: Record<string, unknown> } | undefined)?.location;
      const id = str(location?.id);
      if (!location || !id) malformed(res, 'location lookup');
      return {
        id,
        name: str(location.name),
        companyId: str(location.companyId),
        timezone: str(location.timezone),
        email: str(location.email),
        phone: str(location.phone),
      };
    },

    async upsertContact(input) {
      const body: Record<string, unknown> = { locationId: input.locationId };
      for (const key of ['firstName', 'lastName', 'name', 'email', 'phone', 'source'] as const) {
        if (input[key] !== undefined && input[key] !== '') body[key] = input[key];
      }
      if (input.tags !== undefined) body.tags = input.tags;
      const res = await call('POST', '/contacts/upsert', body);
      if (res.status !== 200 && res.status !== 201) fail(res, 'contact upsert');
      const json = res.json as { new?: unknown; contact?: { id?: unknown } } | undefined;
      const contactId = str(json?.contact?.id);
      if (!contactId) malformed(res, 'contact upsert');
      return { isNew: json?.new === true, contactId };
    },
  };
}

export {
  type GhlContact,
  type GhlContactEvent,
  type GhlIgnoredEvent,
  type GhlInvalidEvent,
  type GhlMessage,
  type GhlMessageEvent,
  type GhlWebhookEvent,
  parseGhlWebhook,
} from './ghl-webhook';
