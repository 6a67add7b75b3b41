// The only module that reads the process environment: parsed once with zod, every problem reported at once.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseRateLimitOverrides, type RateLimitConfig } from './lib/rate-limit/config';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),

  DATABASE_URL: z.url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().default('.data'),
  SEED_DEMO: bool.optional(),

  BASE_DOMAIN: z.string().toLowerCase().default('localhost'),
  TRUST_PROXY: bool.default(false),
  /** How many trusted proxies append to X-Forwarded-For in front of the service (with TRUST_PROXY). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
  CORS_ORIGINS: list.default([]),
  TENANT_CACHE_TTL_MS: z.coerce.number().int().min(0).default(30_000),
  /**
   * Storefront car caches, filed under the tenant's catalogue version so they never outlive a change:
   * `responses` keeps whole answers and totals, `counts` only totals, `off` neither (bench/RESULTS.md).
   */
  CARS_CACHE: z.enum(['off', 'counts', 'responses']).default('responses'),
  /** Bound on the cached storefront answers (`responses`), in MiB; about 21 KB per page of 20 cars. */
  CARS_CACHE_MAX_MB: z.coerce.number().int().min(1).max(4096).default(96),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  WEBHOOK_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024),

  /** Comma-separated `kid:secret` pairs; the first signs, all verify (rotation). Secrets ≥ 32 chars. */
  JWT_KEYS: z.string().optional(),
  JWT_ISSUER: z.string().default('showroom'),
  JWT_AUDIENCE: z.string().default('showroom-admin'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(15 * 60),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(300)
    .default(30 * 24 * 3600),

  /** Comma-separated `kid:base64key` pairs (32-byte AES keys); the first encrypts, all decrypt. */
  ENCRYPTION_KEYS: z.string().optional(),
  PLATFORM_API_KEYS: list.optional(),
  METRICS_TOKEN: z.string().min(16).optional(),

  RATE_LIMIT_STORE: z.enum(['memory', 'postgres']).default('memory'),
  /** `group:capacity/window[,…]` or `group:off`; see src/lib/rate-limit/config.ts. */
  RATE_LIMIT_OVERRIDES: z.string().optional(),
  /** Bound on buckets held by the memory store (oldest evicted beyond it). */
  RATE_LIMIT_MEMORY_MAX_KEYS: z.coerce.number().int().min(100).default(100_000),

  WORKER_ENABLED: bool.default(true),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  WORKER_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
  WORKER_LOCK_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(5 * 60_000),
  WORKER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(25_000),
  /** Jobs a worker claims ahead of free slots (see createWorker's localQueueSize); 0 suits slow tasks. */
  WORKER_LOCAL_QUEUE_SIZE: z.coerce.number().int().min(0).max(10_000).default(0),
  /** Succeeded and cancelled jobs older than this are deleted by the worker's sweep (dead/failed are kept). */
  JOBS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(14),

  FONNTE_BASE_URL: z.url().default('https://api.fonnte.com'),
  GHL_BASE_URL: z.url().default('https://services.leadconnectorhq.com'),
  GHL_ED25519_PUBLIC_KEY: z.string().default('MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg='),
  GHL_RSA_PUBLIC_KEY: z.string().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  AI_MONTHLY_CALL_CAP: z.coerce.number().int().min(0).default(2000),
  /** Per model call; the SDK's own default is 10 minutes, far too long inside a job. */
  AI_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(20_000),
  /** How much of the conversation goes into the prompt: the last N messages, each cut to M characters. */
  AI_MAX_MESSAGES: z.coerce.number().int().min(1).max(50).default(12),
  AI_MAX_MESSAGE_CHARS: z.coerce.number().int().min(50).max(4000).default(600),
  /** Cars from the tenant's stock offered to the model to choose from. */
  AI_MAX_CANDIDATES: z.coerce.number().int().min(1).max(30).default(8),
  ALLOW_PRIVATE_INTEGRATION_URLS: bool.default(false),
  PUBLIC_URL_SCHEME: z.enum(['http', 'https']).optional(),
});

export type RawEnv = z.infer<typeof envSchema>;

export type Env = Omit<
  RawEnv,
  'JWT_KEYS' | 'ENCRYPTION_KEYS' | 'PLATFORM_API_KEYS' | 'SEED_DEMO' | 'RATE_LIMIT_OVERRIDES'
> & {
  jwtKeys: { kid: string; secret: string }[];
  /** Token-bucket rule per rate-limit group (defaults with RATE_LIMIT_OVERRIDES applied; null = off). */
  rateLimits: RateLimitConfig;
  encryptionKeys: { kid: string; key: Buffer }[];
  platformApiKeys: string[];
  seedDemo: boolean;
  /** Where development secrets and the embedded database live. */
  dataDir: string;
};

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

function parsePairs(raw: string, name: string, problems: string[]) {
  const out: { kid: string; value: string }[] = [];
  for (const part of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const i = part.indexOf(':');
    if (i <= 0) {
      problems.push(`${name}: each entry must be "kid:value"`);
      continue;
    }
    out.push({ kid: part.slice(0, i), value: part.slice(i + 1) });
  }
  if (out.length === 0) problems.push(`${name}: at least one "kid:value" entry is required`);
  return out;
}

/** Development secrets are generated once and kept under DATA_DIR, so restarts keep sessions valid. */
function devSecret(dataDir: string, file: string, make: () => string): string {
  const path = join(dataDir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const value = make();
  writeFileSync(path, value, { mode: 0o600 });
  return value;
}

const REQUIRED_IN_PRODUCTION = {
  JWT_KEYS: 'required in production (e.g. "k1:<64 random hex chars>")',
  ENCRYPTION_KEYS: 'required in production (e.g. "k1:<base64 of 32 random bytes>")',
  PLATFORM_API_KEYS: 'required in production (comma-separated, each at least 32 characters)',
} as const;

/** Checked on the raw values too, so a bad setting elsewhere never hides a missing secret. */
function missingProductionSecrets(source: Record<string, string>): string[] {
  if (source.NODE_ENV !== 'production') return [];
  return Object.entries(REQUIRED_IN_PRODUCTION)
    .filter(([name]) => !source[name])
    .map(([name, message]) => `${name}: ${message}`);
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
  const problems = missingProductionSecrets(cleaned);
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new EnvError([
      ...parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      ...problems,
    ]);
  }
  const raw = parsed.data;
  const production = raw.NODE_ENV === 'production';
  const dataDir = resolve(raw.DATA_DIR);
  const ephemeral = raw.NODE_ENV === 'test';

  let jwtKeys: Env['jwtKeys'] = [];
  if (raw.JWT_KEYS) {
    jwtKeys = parsePairs(raw.JWT_KEYS, 'JWT_KEYS', problems).map(({ kid, value }) => {
      if (value.length < 32) problems.push(`JWT_KEYS: secret of "${kid}" must be at least 32 characters`);
      return { kid, secret: value };
    });
  } else if (!production) {
    const secret = ephemeral
      ? randomBytes(32).toString('hex')
      : devSecret(dataDir, 'jwt-secret', () => randomBytes(32).toString('hex'));
    jwtKeys = [{ kid: 'dev', secret }];
  }

  let encryptionKeys: Env['encryptionKeys'] = [];
  if (raw.ENCRYPTION_KEYS) {
    encryptionKeys = parsePairs(raw.ENCRYPTION_KEYS, 'ENCRYPTION_KEYS', problems).map(({ kid, value }) => {
      const key = Buffer.from(value, 'base64');
      if (key.length !== 32) problems.push(`ENCRYPTION_KEYS: key "${kid}" must be 32 bytes, base64-encoded`);
      return { kid, key };
    });
  } else if (!production) {
    const value = ephemeral
      ? randomBytes(32).toString('base64')
      : devSecret(dataDir, 'encryption-key', () => randomBytes(32).toString('base64'));
    encryptionKeys = [{ kid: 'dev', key: Buffer.from(value, 'base64') }];
  }

  const platformApiKeys = raw.PLATFORM_API_KEYS ?? [];
  if (production && raw.PLATFORM_API_KEYS && platformApiKeys.length === 0) {
    problems.push(`PLATFORM_API_KEYS: ${REQUIRED_IN_PRODUCTION.PLATFORM_API_KEYS}`);
  }
  for (const key of platformApiKeys) {
    if (key.length < 32) problems.push('PLATFORM_API_KEYS: every key must be at least 32 characters');
  }

  const rateLimits = parseRateLimitOverrides(raw.RATE_LIMIT_OVERRIDES);
  problems.push(...rateLimits.problems);

  if (problems.length > 0) throw new EnvError(problems);

  const {
    JWT_KEYS: _j,
    ENCRYPTION_KEYS: _e,
    PLATFORM_API_KEYS: _p,
    RATE_LIMIT_OVERRIDES: _r,
    SEED_DEMO,
    ...rest
  } = raw;
  return {
    ...rest,
    jwtKeys,
    rateLimits: rateLimits.config,
    encryptionKeys,
    platformApiKeys,
    seedDemo: SEED_DEMO ?? (!raw.DATABASE_URL && raw.NODE_ENV !== 'test'),
    dataDir,
  };
}

/** Entry points call this: print every problem and exit non-zero on a bad environment. */
export function loadEnv(): Env {
  try {
    return parseEnv(process.env);
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
