// Webhook authenticity checks over the exact raw body bytes (re-serialised JSON would break them):
// GoHighLevel Ed25519 and legacy RSA, HMAC-SHA256 for workflow webhooks, and Standard Webhooks.
import { createHmac, createPublicKey, type KeyObject, timingSafeEqual, verify } from 'node:crypto';

export type RawBody = string | Uint8Array | ArrayBuffer;
/** A Fetch `Headers` object or a plain record (keys matched case-insensitively). */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function bytes(body: RawBody): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

export function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    return Array.isArray(value) ? value.join(', ') : value;
  }
  return undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(value: string): Buffer | undefined {
  const trimmed = value.trim();
  if (trimmed.length === 0 || !BASE64.test(trimmed)) return undefined;
  return Buffer.from(trimmed, 'base64');
}

// Public keys come from configuration and are reused for every delivery: parse each once.
const keyCache = new Map<string, KeyObject>();

function publicKey(material: string, kind: 'spki-der-base64' | 'pem'): KeyObject {
  const cacheKey = `${kind}:${material}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key =
      kind === 'pem'
        ? createPublicKey({ key: material, format: 'pem' })
        : createPublicKey({ key: Buffer.from(material.trim(), 'base64'), format: 'der', type: 'spki' });
    keyCache.set(cacheKey, key);
  }
  return key;
}

/** Checks that a public key string parses; call at start-up/config time so a typo fails loudly. */
export function assertPublicKey(material: string, kind: 'ed25519-spki-base64' | 'rsa-pem'): void {
  const key = publicKey(material, kind === 'rsa-pem' ? 'pem' : 'spki-der-base64');
  const expected = kind === 'rsa-pem' ? 'rsa' : 'ed25519';
  if (key.asymmetricKeyType !== expected) throw new Error(`Expected an ${expected} public key`);
}

/** GoHighLevel `x-ghl-signature`: Ed25519 over the raw body, base64; key is SPKI DER in base64. */
export function verifyEd25519Signature(
  rawBody: RawBody,
  signature: string | null | undefined,
  publicKeySpkiBase64: string,
): boolean {
  const sig = signature ? decodeBase64(signature) : undefined;
  if (sig?.length !== 64) return false;
  try {
    const key = publicKey(publicKeySpkiBase64, 'spki-der-base64');
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, bytes(rawBody), key, sig);
  } catch {
    return false;
  }
}

/** GoHighLevel legacy `x-wh-signature`: RSA PKCS#1 v1.5 with SHA-256 over the raw body, base64. */
export function verifyRsaSha256Signature(
  rawBody: RawBody,
  signature: string | null | undefined,
  publicKeyPem: string,
): boolean {
  const sig = signature ? decodeBase64(signature) : undefined;
  if (!sig) return false;
  try {
    const key = publicKey(publicKeyPem, 'pem');
    if (key.asymmetricKeyType !== 'rsa') return false;
    return verify('sha256', bytes(rawBody), key, sig);
  } catch {
    return false;
  }
}

export function hmacSha256Hex(rawBody: RawBody, secret: string): string {
  return createHmac('sha256', secret).update(bytes(rawBody)).digest('hex');
}

/** Workflow `x-webhook-signature`: hex HMAC-SHA256 of the raw body (an optional `sha256=` prefix is allowed). */
export function verifyHmacSha256Hex(rawBody: RawBody, signature: string | null | undefined, secret: string): boolean {
  if (!signature || !secret) return false;
  const hex = signature.trim().replace(/^sha256=/i, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(bytes(rawBody)).digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

export type GhlSignatureKeys = {
  /** SPKI base64 of GoHighLevel's Ed25519 key (Env.GHL_ED25519_PUBLIC_KEY). */
  ed25519PublicKey: string;
  /** PEM of the legacy RSA key (Env.GHL_RSA_PUBLIC_KEY); without it `x-wh-signature` is not accepted. */
  rsaPublicKey?: string | undefined;
  /** The integration's `webhookSecret`, for workflow webhooks signed with `x-webhook-signature`. */
  webhookSecret?: string | undefined;
};

export type GhlSignatureResult =
  | { ok: true; method: 'ed25519' | 'rsa' | 'hmac' }
  | { ok: false; reason: 'missing_signature' | 'invalid_signature' };

/**
 * Verifies a GoHighLevel delivery. The strongest signature present decides: a request carrying an
 * `x-ghl-signature` that does not verify is refused even if a legacy header would pass.
 */
export function verifyGhlSignature(
  rawBody: RawBody,
  headers: HeaderSource,
  keys: GhlSignatureKeys,
): GhlSignatureResult {
  const ed = readHeader(headers, 'x-ghl-signature');
  if (ed) {
    return verifyEd25519Signature(rawBody, ed, keys.ed25519PublicKey)
      ? { ok: true, method: 'ed25519' }
      : { ok: false, reason: 'invalid_signature' };
  }
  const rsa = readHeader(headers, 'x-wh-signature');
  if (rsa) {
    return keys.rsaPublicKey && verifyRsaSha256Signature(rawBody, rsa, keys.rsaPublicKey)
      ? { ok: true, method: 'rsa' }
      : { ok: false, reason: 'invalid_signature' };
  }
  const hmac = readHeader(headers, 'x-webhook-signature');
  if (hmac) {
    return keys.webhookSecret && verifyHmacSha256Hex(rawBody, hmac, keys.webhookSecret)
      ? { ok: true, method: 'hmac' }
      : { ok: false, reason: 'invalid_signature' };
  }
  return { ok: false, reason: 'missing_signature' };
}

// ---- Standard Webhooks (standardwebhooks.com) ----

export const STANDARD_WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

function standardSecretBytes(secret: string): Buffer {
  const raw = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const key = decodeBase64(raw);
  if (!key || key.length === 0) throw new Error('Standard Webhooks secret must be "whsec_" + base64');
  return key;
}

function standardSignature(key: Buffer, id: string, timestamp: string, rawBody: RawBody): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(bytes(rawBody)).digest();
}

/** Produces the three headers for a delivery Showroom sends (and for tests). */
export function signStandardWebhook(input: {
  id: string;
  rawBody: RawBody;
  secret: string;
  /** Milliseconds since the epoch; defaults to now. */
  now?: number;
}): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  const timestamp = String(Math.floor((input.now ?? Date.now()) / 1000));
  const sig = standardSignature(standardSecretBytes(input.secret), input.id, timestamp, input.rawBody);
  return {
    'webhook-id': input.id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${sig.toString('base64')}`,
  };
}

export type StandardWebhookResult =
  | { ok: true; id: string; timestamp: Date }
  | {
      ok: false;
      reason: 'missing_headers' | 'invalid_timestamp' | 'timestamp_too_old' | 'timestamp_too_new' | 'invalid_signature';
    };

/**
 * Verifies a Standard Webhooks delivery; dedupe on the returned `id` is the caller's job.
 * Throws (a configuration error, not a bad request) when `secret` is not valid base64.
 */
export function verifyStandardWebhook(input: {
  rawBody: RawBody;
  headers: HeaderSource;
  /** `whsec_` + base64 (the prefix is optional). */
  secret: string;
  /** Milliseconds since the epoch; defaults to now. */
  now?: number;
  toleranceSeconds?: number;
}): StandardWebhookResult {
  const id = readHeader(input.headers, 'webhook-id');
  const ts = readHeader(input.headers, 'webhook-timestamp');
  const sigHeader = readHeader(input.headers, 'webhook-signature');
  if (!id || !ts || !sigHeader) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(ts.trim())) return { ok: false, reason: 'invalid_timestamp' };

  const seconds = Number(ts.trim());
  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
  const tolerance = input.toleranceSeconds ?? STANDARD_WEBHOOK_TOLERANCE_SECONDS;
  if (nowSeconds - seconds > tolerance) return { ok: false, reason: 'timestamp_too_old' };
  if (seconds - nowSeconds > tolerance) return { ok: false, reason: 'timestamp_too_new' };

  const expected = standardSignature(standardSecretBytes(input.secret), id, ts.trim(), input.rawBody);
  for (const entry of sigHeader.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const candidate = decodeBase64(entry.slice(comma + 1));
    if (candidate && candidate.length === expected.length && timingSafeEqual(candidate, expected)) {
      return { ok: true, id, timestamp: new Date(seconds * 1000) };
    }
  }
  return { ok: false, reason: 'invalid_signature' };
}
