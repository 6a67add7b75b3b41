// Secrets at rest (integration API keys, tokens): AES-256-GCM with a key ring for rotation, and the
// owning tenant/integration/field bound as AAD so a ciphertext copied elsewhere fails to decrypt.
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EncryptedValue } from '../../drizzle/schema/integrations';

export type { EncryptedValue };

export type EncryptionKey = { kid: string; key: Buffer };

/** Where an encrypted value belongs; all three parts go into the additional authenticated data. */
export type SecretContext = { tenantId: string; integrationId: string; field: string };

export type DecryptFailureReason = 'unknown_key' | 'malformed' | 'authentication_failed';

/** A stored value that cannot be decrypted: unknown key id, corrupt fields, or tampered/misplaced ciphertext. */
export class DecryptionError extends Error {
  constructor(
    readonly reason: DecryptFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'DecryptionError';
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

function aad({ tenantId, integrationId, field }: SecretContext): Buffer {
  return Buffer.from(`${tenantId}:${integrationId}:${field}`, 'utf8');
}

function checkRing(keys: readonly EncryptionKey[]) {
  if (keys.length === 0) throw new Error('Encryption key ring is empty');
  for (const k of keys) {
    if (k.key.length !== 32) throw new Error(`Encryption key "${k.kid}" must be 32 bytes`);
  }
}

export type SecretBox = {
  /** Encrypts with the first (current) key of the ring. */
  encrypt(plain: string, context: SecretContext): EncryptedValue;
  /** Decrypts with the key named by `kid`; throws DecryptionError on any mismatch. */
  decrypt(value: EncryptedValue, context: SecretContext): string;
  /** True when the value was encrypted with an older key and should be re-encrypted. */
  needsRotation(value: EncryptedValue): boolean;
};

/** Builds the encrypt/decrypt pair from `Env.encryptionKeys` (first encrypts, all decrypt). */
export function createSecretBox(keys: readonly EncryptionKey[]): SecretBox {
  checkRing(keys);
  const current = keys[0]!;
  const byKid = new Map(keys.map((k) => [k.kid, k.key]));

  return {
    encrypt(plain, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(context));
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return { kid: current.kid, iv: iv.toString('base64'), ct: ct.toString('base64') };
    },

    decrypt(value, context) {
      const key = typeof value?.kid === 'string' ? byKid.get(value.kid) : undefined;
      if (!key) throw new DecryptionError('unknown_key', `No decryption key with id "${value?.kid}"`);
      if (typeof value.iv !== 'string' || typeof value.ct !== 'string') {
        throw new DecryptionError('malformed', 'Encrypted value is missing iv or ct');
      }
      const iv = Buffer.from(value.iv, 'base64');
      const data = Buffer.from(value.ct, 'base64');
      if (iv.length !== IV_BYTES || data.length < TAG_BYTES) {
        throw new DecryptionError('malformed', 'Encrypted value has a bad iv or ciphertext length');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(context));
        decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
        const plain = Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]);
        return plain.toString('utf8');
      } catch {
        throw new DecryptionError(
          'authentication_failed',
          'Encrypted value failed authentication (tampered, or belongs to another tenant, integration or field)',
        );
      }
    },

    needsRotation(value) {
      return value.kid !== current.kid;
    },
  };
}

/**
 * What a write-only secret reads back as: "••••" plus the last 4 characters. Values shorter than 8
 * characters are hidden entirely, since 4 characters would reveal most of them.
 */
export function maskSecret(plain: string): string {
  const chars = Array.from(plain);
  if (chars.length < 8) return '••••';
  return `••••${chars.slice(-4).join('')}`;
}

/** An unguessable URL-safe token (webhook tokens, refresh tokens). */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16) throw new Error('randomToken needs at least 16 bytes');
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(input: string | Uint8Array): string {
  return createHash('sha256').update(input).digest('hex');
}

/**
 * Compares two strings without leaking where they differ. Both sides are hashed first so the
 * comparison takes the same time whatever the lengths (only equal strings give equal digests).
 */
export function timingSafeEqualStr(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}
