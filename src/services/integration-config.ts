// An integration's config in its three forms — as the admin sends it, as stored (plain fields in
// `config`, secrets encrypted per field in `secrets`) and as read back (secrets masked) — plus the
// provider-specific normalisation and the base-URL guard every save and connection test goes through.
import type { Integration, IntegrationTemplate } from '../../drizzle/schema';
import type { Env } from '../env';
import { assertSafeBaseUrl, type HostResolver, UnsafeUrlError } from '../integrations/url-guard';
import { DecryptionError, type EncryptedValue, maskSecret, type SecretBox } from '../lib/crypto';
import type { ErrorDetail } from '../lib/errors';
import { normalizePhone } from '../lib/phone';

export type PlainConfig = Record<string, unknown>;

/** Where problems in the submitted config point: a JSON pointer into the request body. */
export const configPointer = (pointer: string) => `/config${pointer}`;

export function secretContext(integration: Pick<Integration, 'tenantId' | 'id'>, field: string) {
  return { tenantId: integration.tenantId, integrationId: integration.id, field };
}

/** Splits a full config into stored plain fields and encrypted secret fields. */
export function sealConfig(
  box: SecretBox,
  owner: Pick<Integration, 'tenantId' | 'id'>,
  secretFields: readonly string[],
  full: PlainConfig,
): { config: PlainConfig; secrets: Record<string, EncryptedValue> } {
  const config: PlainConfig = {};
  const secrets: Record<string, EncryptedValue> = {};
  for (const [key, value] of Object.entries(full)) {
    if (value === undefined || value === null) continue;
    if (secretFields.includes(key)) secrets[key] = box.encrypt(String(value), secretContext(owner, key));
    else config[key] = value;
  }
  return { config, secrets };
}

/**
 * Decrypts every stored secret. A value that no longer decrypts (its key was retired, or the row was
 * tampered with) is left out, so callers see it as missing rather than crash.
 */
export function openSecrets(
  box: SecretBox,
  integration: Pick<Integration, 'tenantId' | 'id' | 'secrets'>,
): { values: Record<string, string>; unreadable: string[] } {
  const values: Record<string, string> = {};
  const unreadable: string[] = [];
  for (const [field, sealed] of Object.entries(integration.secrets ?? {})) {
    try {
      values[field] = box.decrypt(sealed, secretContext(integration, field));
    } catch (err) {
      if (!(err instanceof DecryptionError)) throw err;
      unreadable.push(field);
    }
  }
  return { values, unreadable };
}

/** The config as an admin may see it: plain fields, and each secret as "••••" + its last 4 characters. */
export function maskedConfig(box: SecretBox, integration: Integration): PlainConfig {
  const { values } = openSecrets(box, integration);
  const masked: PlainConfig = { ...integration.config };
  for (const field of Object.keys(integration.secrets ?? {})) {
    masked[field] = values[field] !== undefined ? maskSecret(values[field]) : '••••';
  }
  return masked;
}

/** A value read back from GET (masked) and sent again unchanged means "keep the stored secret". */
export function isMaskedEcho(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('••••');
}

export type NormalisedConfig = {
  config: PlainConfig;
  /** The provider account this integration routes from (GHL locationId, Fonnte number as digits). */
  externalAccountId: string | null;
};

/**
 * Provider-specific clean-up after the JSON Schema passed: the Fonnte number in Fonnte's own form
 * (digits with country code), and the routing key. Problems come back as details, never thrown.
 */
export function normaliseConfig(
  template: string,
  config: PlainConfig,
): { ok: true; value: NormalisedConfig } | { ok: false; details: ErrorDetail[] } {
  const out: PlainConfig = { ...config };
  if (template === 'fonnte') {
    const e164 = typeof config.deviceNumber === 'string' ? normalizePhone(config.deviceNumber) : null;
    if (!e164) {
      return { ok: false, details: [{ path: configPointer('/deviceNumber'), message: 'is not a valid phone number' }] };
    }
    out.deviceNumber = e164.replace(/^\+/, '');
    return { ok: true, value: { config: out, externalAccountId: out.deviceNumber as string } };
  }
  if (template === 'gohighlevel') {
    const locationId = typeof config.locationId === 'string' ? config.locationId.trim() : '';
    return { ok: true, value: { config: out, externalAccountId: locationId || null } };
  }
  return { ok: true, value: { config: out, externalAccountId: null } };
}

export type GuardOptions = { env: Env; resolve?: HostResolver };

/** Checks a tenant-supplied baseUrl; returns the problem as a message, or null when it is allowed. */
export async function baseUrlProblem(baseUrl: unknown, { env, resolve }: GuardOptions): Promise<string | null> {
  if (baseUrl === undefined || baseUrl === null || baseUrl === '') return null;
  if (typeof baseUrl !== 'string') return 'Base URL must be a string';
  try {
    await assertSafeBaseUrl(baseUrl, {
      allowPrivate: env.ALLOW_PRIVATE_INTEGRATION_URLS,
      ...(resolve ? { resolve } : {}),
    });
    return null;
  } catch (err) {
    if (err instanceof UnsafeUrlError) return err.message;
    throw err;
  }
}

/** The base URL a provider client should use: the integration's override, else the operator's setting. */
export function providerBaseUrl(env: Env, template: string, config: PlainConfig): string {
  const override = typeof config.baseUrl === 'string' && config.baseUrl ? config.baseUrl : undefined;
  if (override) return override;
  if (template === 'fonnte') return env.FONNTE_BASE_URL;
  if (template === 'gohighlevel') return env.GHL_BASE_URL;
  return env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
}

export function templateSecretFields(template: Pick<IntegrationTemplate, 'secretFields'>): string[] {
  return template.secretFields ?? [];
}
