// Signature checks with key pairs and secrets generated here, signing the exact bytes a provider would send.
import { describe, expect, test } from 'bun:test';
import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import {
  assertPublicKey,
  hmacSha256Hex,
  readHeader,
  signStandardWebhook,
  verifyEd25519Signature,
  verifyGhlSignature,
  verifyHmacSha256Hex,
  verifyRsaSha256Signature,
  verifyStandardWebhook,
} from '../../src/lib/webhook-signatures';

const body = '{"type":"ContactCreate","locationId":"loc-1","id":"c-1","name":"Budi Santoso"}';

const ed = generateKeyPairSync('ed25519');
const edPublic = ed.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
const edSign = (data: string | Buffer) => sign(null, Buffer.from(data), ed.privateKey).toString('base64');

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPublic = rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const rsaSign = (data: string | Buffer) => sign('sha256', Buffer.from(data), rsa.privateKey).toString('base64');

describe('Ed25519 (x-ghl-signature)', () => {
  test('accepts a valid signature over the raw body, as string, bytes or ArrayBuffer', () => {
    const sig = edSign(body);
    const buf = new TextEncoder().encode(body);
    expect(verifyEd25519Signature(body, sig, edPublic)).toBe(true);
    expect(verifyEd25519Signature(buf, sig, edPublic)).toBe(true);
    expect(verifyEd25519Signature(buf.buffer, sig, edPublic)).toBe(true);
  });

  test('re-serialised JSON (same data, different bytes) does not verify', () => {
    const reserialised = JSON.stringify(JSON.parse(body), null, 1);
    expect(verifyEd25519Signature(reserialised, edSign(body), edPublic)).toBe(false);
  });

  test('refuses a tampered body, another key, and garbage signatures', () => {
    const sig = edSign(body);
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(verifyEd25519Signature(`${body} `, sig, edPublic)).toBe(false);
    expect(verifyEd25519Signature(body, sig, other)).toBe(false);
    expect(verifyEd25519Signature(body, '', edPublic)).toBe(false);
    expect(verifyEd25519Signature(body, undefined, edPublic)).toBe(false);
    expect(verifyEd25519Signature(body, 'not base64 !!', edPublic)).toBe(false);
    expect(verifyEd25519Signature(body, Buffer.alloc(64).toString('base64'), edPublic)).toBe(false);
    expect(verifyEd25519Signature(body, sig.slice(0, 20), edPublic)).toBe(false);
  });

  test('a misconfigured key yields false, not a throw', () => {
    expect(verifyEd25519Signature(body, edSign(body), 'bm90IGEga2V5')).toBe(false);
    const rsaSpki = rsa.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(verifyEd25519Signature(body, edSign(body), rsaSpki)).toBe(false);
  });

  test("GoHighLevel's published key parses as Ed25519", () => {
    expect(() =>
      assertPublicKey('MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=', 'ed25519-spki-base64'),
    ).not.toThrow();
    expect(() => assertPublicKey(rsaPublic, 'rsa-pem')).not.toThrow();
    expect(() => assertPublicKey(rsaPublic.replace('MII', 'XXX'), 'rsa-pem')).toThrow();
  });
});

describe('RSA-SHA256 (x-wh-signature)', () => {
  test('accepts a valid PKCS#1 v1.5 signature and refuses a tampered body', () => {
    const sig = rsaSign(body);
    expect(verifyRsaSha256Signature(body, sig, rsaPublic)).toBe(true);
    expect(verifyRsaSha256Signature(body.replace('Budi', 'Badu'), sig, rsaPublic)).toBe(false);
  });
  test('refuses signatures from another key and malformed input', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sig = sign('sha256', Buffer.from(body), other.privateKey).toString('base64');
    expect(verifyRsaSha256Signature(body, sig, rsaPublic)).toBe(false);
    expect(verifyRsaSha256Signature(body, 'abc', rsaPublic)).toBe(false);
    expect(verifyRsaSha256Signature(body, null, rsaPublic)).toBe(false);
    expect(verifyRsaSha256Signature(body, rsaSign(body), 'not a pem')).toBe(false);
  });
});

describe('HMAC-SHA256 hex (x-webhook-signature)', () => {
  const secret = 'workflow-secret-123';
  const good = createHmac('sha256', secret).update(body).digest('hex');

  test('accepts lower/upper-case hex and a sha256= prefix', () => {
    expect(hmacSha256Hex(body, secret)).toBe(good);
    expect(verifyHmacSha256Hex(body, good, secret)).toBe(true);
    expect(verifyHmacSha256Hex(body, good.toUpperCase(), secret)).toBe(true);
    expect(verifyHmacSha256Hex(body, `sha256=${good}`, secret)).toBe(true);
  });

  test('refuses wrong secret, wrong body, wrong length and non-hex', () => {
    expect(verifyHmacSha256Hex(body, good, 'other-secret')).toBe(false);
    expect(verifyHmacSha256Hex(`${body}x`, good, secret)).toBe(false);
    expect(verifyHmacSha256Hex(body, good.slice(0, 62), secret)).toBe(false);
    expect(verifyHmacSha256Hex(body, `${good.slice(0, 63)}z`, secret)).toBe(false);
    expect(verifyHmacSha256Hex(body, '', secret)).toBe(false);
    expect(verifyHmacSha256Hex(body, good, '')).toBe(false);
  });
});

describe('verifyGhlSignature', () => {
  const keys = { ed25519PublicKey: edPublic, rsaPublicKey: rsaPublic, webhookSecret: 'wf-secret' };

  test('picks the method from the headers present (case-insensitive names)', () => {
    expect(verifyGhlSignature(body, { 'X-GHL-Signature': edSign(body) }, keys)).toEqual({
      ok: true,
      method: 'ed25519',
    });
    expect(verifyGhlSignature(body, new Headers({ 'x-wh-signature': rsaSign(body) }), keys)).toEqual({
      ok: true,
      method: 'rsa',
    });
    expect(verifyGhlSignature(body, { 'x-webhook-signature': hmacSha256Hex(body, 'wf-secret') }, keys)).toEqual({
      ok: true,
      method: 'hmac',
    });
  });

  test('an invalid Ed25519 signature is refused even when a valid legacy one is present', () => {
    const headers = { 'x-ghl-signature': edSign('other'), 'x-wh-signature': rsaSign(body) };
    expect(verifyGhlSignature(body, headers, keys)).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  test('legacy and HMAC are refused when their key/secret is not configured', () => {
    const bare = { ed25519PublicKey: edPublic };
    expect(verifyGhlSignature(body, { 'x-wh-signature': rsaSign(body) }, bare).ok).toBe(false);
    expect(verifyGhlSignature(body, { 'x-webhook-signature': hmacSha256Hex(body, 'x') }, bare).ok).toBe(false);
  });

  test('no signature header at all is reported as missing', () => {
    expect(verifyGhlSignature(body, {}, keys)).toEqual({ ok: false, reason: 'missing_signature' });
  });
});

describe('Standard Webhooks', () => {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const now = Date.UTC(2025, 0, 15, 12, 0, 0);

  test('sign then verify round-trips and returns id and timestamp', () => {
    const headers = signStandardWebhook({ id: 'msg_1', rawBody: body, secret, now });
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const result = verifyStandardWebhook({ rawBody: body, headers, secret, now });
    expect(result).toEqual({ ok: true, id: 'msg_1', timestamp: new Date(Math.floor(now / 1000) * 1000) });
  });

  test('matches an independently computed signature and accepts one of several listed', () => {
    const key = Buffer.from(secret.slice(6), 'base64');
    const ts = String(now / 1000);
    const sig = createHmac('sha256', key).update(`msg_2.${ts}.${body}`).digest('base64');
    const headers = {
      'webhook-id': 'msg_2',
      'webhook-timestamp': ts,
      'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')} v1a,xyz v1,${sig}`,
    };
    expect(verifyStandardWebhook({ rawBody: body, headers, secret, now }).ok).toBe(true);
    // The secret without its prefix works too.
    expect(verifyStandardWebhook({ rawBody: body, headers, secret: secret.slice(6), now }).ok).toBe(true);
  });

  test('5-minute tolerance both ways', () => {
    const headers = signStandardWebhook({ id: 'm', rawBody: body, secret, now });
    const at = (ms: number) => verifyStandardWebhook({ rawBody: body, headers, secret, now: now + ms });
    expect(at(300_000).ok).toBe(true);
    expect(at(-300_000).ok).toBe(true);
    expect(at(301_000)).toEqual({ ok: false, reason: 'timestamp_too_old' });
    expect(at(-301_000)).toEqual({ ok: false, reason: 'timestamp_too_new' });
  });

  test('refuses a changed id, timestamp or body, and a wrong secret', () => {
    const headers = signStandardWebhook({ id: 'm', rawBody: body, secret, now });
    const check = (h: Record<string, string>, b = body, s = secret) =>
      verifyStandardWebhook({ rawBody: b, headers: h, secret: s, now });
    expect(check({ ...headers, 'webhook-id': 'm2' })).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(check({ ...headers, 'webhook-timestamp': String(now / 1000 + 1) }).ok).toBe(false);
    expect(check(headers, `${body} `).ok).toBe(false);
    expect(check(headers, body, `whsec_${randomBytes(24).toString('base64')}`).ok).toBe(false);
  });

  test('missing or malformed headers', () => {
    const headers = signStandardWebhook({ id: 'm', rawBody: body, secret, now });
    const { 'webhook-id': _, ...noId } = headers;
    expect(verifyStandardWebhook({ rawBody: body, headers: noId, secret, now })).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
    expect(
      verifyStandardWebhook({
        rawBody: body,
        headers: { ...headers, 'webhook-timestamp': '12abc' },
        secret,
        now,
      }),
    ).toEqual({ ok: false, reason: 'invalid_timestamp' });
    expect(
      verifyStandardWebhook({
        rawBody: body,
        headers: { ...headers, 'webhook-signature': 'garbage' },
        secret,
        now,
      }),
    ).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  test('a malformed secret is a configuration error', () => {
    expect(() => signStandardWebhook({ id: 'm', rawBody: body, secret: 'whsec_' })).toThrow('whsec_');
  });
});

test('readHeader handles Headers, records and array values', () => {
  expect(readHeader(new Headers({ 'X-A': '1' }), 'x-a')).toBe('1');
  expect(readHeader({ 'X-A': '1' }, 'x-a')).toBe('1');
  expect(readHeader({ 'x-a': ['1', '2'] }, 'X-A')).toBe('1, 2');
  expect(readHeader({ 'x-a': undefined }, 'x-a')).toBeUndefined();
});
