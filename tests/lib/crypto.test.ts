// Secret encryption round trips, key rotation, and refusal of moved or tampered ciphertexts.
import { describe, expect, test } from 'bun:test';
import { randomBytes } from 'node:crypto';
import {
  createSecretBox,
  DecryptionError,
  maskSecret,
  randomToken,
  sha256Hex,
  timingSafeEqualStr,
} from '../../src/lib/crypto';

const k1 = { kid: 'k1', key: randomBytes(32) };
const k2 = { kid: 'k2', key: randomBytes(32) };
const ctx = { tenantId: 't-1', integrationId: 'i-1', field: 'apiKey' };

function expectDecryptError(fn: () => unknown, reason: DecryptionError['reason']) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DecryptionError);
    expect((err as DecryptionError).reason).toBe(reason);
    return;
  }
  throw new Error('expected a DecryptionError');
}

describe('createSecretBox', () => {
  test('round-trips unicode text and stores kid, 12-byte iv and ciphertext+tag in base64', () => {
    const box = createSecretBox([k1]);
    const plain = 'sk-tést-🔑-1a2b';
    const value = box.encrypt(plain, ctx);
    expect(value.kid).toBe('k1');
    expect(Buffer.from(value.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(value.ct, 'base64')).toHaveLength(Buffer.byteLength(plain) + 16);
    expect(value.ct).not.toContain('1a2b');
    expect(box.decrypt(value, ctx)).toBe(plain);
  });

  test('uses a fresh iv each time, so equal secrets encrypt differently', () => {
    const box = createSecretBox([k1]);
    const a = box.encrypt('same', ctx);
    const b = box.encrypt('same', ctx);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
  });

  test('round-trips the empty string', () => {
    const box = createSecretBox([k1]);
    expect(box.decrypt(box.encrypt('', ctx), ctx)).toBe('');
  });

  test('the first key encrypts, every key in the ring decrypts (rotation)', () => {
    const old = createSecretBox([k1]).encrypt('old secret', ctx);
    const rotated = createSecretBox([k2, k1]);
    expect(rotated.decrypt(old, ctx)).toBe('old secret');
    expect(rotated.needsRotation(old)).toBe(true);
    const fresh = rotated.encrypt('new secret', ctx);
    expect(fresh.kid).toBe('k2');
    expect(rotated.needsRotation(fresh)).toBe(false);
  });

  test('a retired key id cannot be decrypted', () => {
    const old = createSecretBox([k1]).encrypt('x', ctx);
    expectDecryptError(() => createSecretBox([k2]).decrypt(old, ctx), 'unknown_key');
  });

  test('a value copied to another tenant, integration or field does not decrypt', () => {
    const box = createSecretBox([k1]);
    const value = box.encrypt('secret', ctx);
    expectDecryptError(() => box.decrypt(value, { ...ctx, tenantId: 't-2' }), 'authentication_failed');
    expectDecryptError(() => box.decrypt(value, { ...ctx, integrationId: 'i-2' }), 'authentication_failed');
    expectDecryptError(() => box.decrypt(value, { ...ctx, field: 'webhookSecret' }), 'authentication_failed');
  });

  test('a tampered ciphertext, tag or iv fails authentication', () => {
    const box = createSecretBox([k1]);
    const value = box.encrypt('secret value', ctx);
    const ct = Buffer.from(value.ct, 'base64');
    const flipFirst = Buffer.from(ct);
    flipFirst[0]! ^= 1;
    const flipTag = Buffer.from(ct);
    flipTag[ct.length - 1]! ^= 1;
    const iv = Buffer.from(value.iv, 'base64');
    iv[0]! ^= 1;
    expectDecryptError(() => box.decrypt({ ...value, ct: flipFirst.toString('base64') }, ctx), 'authentication_failed');
    expectDecryptError(() => box.decrypt({ ...value, ct: flipTag.toString('base64') }, ctx), 'authentication_failed');
    expectDecryptError(() => box.decrypt({ ...value, iv: iv.toString('base64') }, ctx), 'authentication_failed');
  });

  test('malformed stored values give a typed error, not a crash', () => {
    const box = createSecretBox([k1]);
    expectDecryptError(() => box.decrypt({ kid: 'k1', iv: 'AAAA', ct: 'AAAA' }, ctx), 'malformed');
    expectDecryptError(() => box.decrypt({ kid: 'k1', iv: '', ct: '' }, ctx), 'malformed');
    expectDecryptError(() => box.decrypt({ kid: 'k1' } as never, ctx), 'malformed');
    expectDecryptError(() => box.decrypt(null as never, ctx), 'unknown_key');
  });

  test('refuses an empty ring or a key that is not 32 bytes', () => {
    expect(() => createSecretBox([])).toThrow('empty');
    expect(() => createSecretBox([{ kid: 'short', key: randomBytes(16) }])).toThrow('32 bytes');
  });
});

describe('maskSecret', () => {
  test('shows only the last 4 characters', () => {
    expect(maskSecret('sk-proj-abcdef1a2b')).toBe('••••1a2b');
    expect(maskSecret('12345678')).toBe('••••5678');
  });
  test('hides short values completely', () => {
    expect(maskSecret('')).toBe('••••');
    expect(maskSecret('abc')).toBe('••••');
    expect(maskSecret('1234567')).toBe('••••');
  });
  test('counts characters, not UTF-16 units', () => {
    expect(maskSecret('secret🔑🔑🔑🔑')).toBe('••••🔑🔑🔑🔑');
  });
});

describe('randomToken', () => {
  test('is base64url of the requested byte length and unique', () => {
    const a = randomToken(32);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(randomToken()).not.toBe(randomToken());
    expect(randomToken(24)).toHaveLength(32);
  });
  test('refuses weak lengths', () => {
    expect(() => randomToken(8)).toThrow();
    expect(() => randomToken(16.5)).toThrow();
  });
});

describe('sha256Hex and timingSafeEqualStr', () => {
  test('sha256Hex matches the known vector', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(sha256Hex('abc'));
  });
  test('timingSafeEqualStr compares content of any length', () => {
    expect(timingSafeEqualStr('token-123', 'token-123')).toBe(true);
    expect(timingSafeEqualStr('token-123', 'token-124')).toBe(false);
    expect(timingSafeEqualStr('token-123', 'token-1234')).toBe(false);
    expect(timingSafeEqualStr('', '')).toBe(true);
    expect(timingSafeEqualStr('', 'a')).toBe(false);
  });
});
