// Which OpenAI account qualifies a tenant's leads: the tenant's own active `openai` integration first,
// else the operator's OPENAI_API_KEY, else none (the rule-based path runs). Clients always get an
// explicit timeout and no SDK retries: the job queue owns retrying.
import { and, desc, eq } from 'drizzle-orm';
import type OpenAI from 'openai';
import { integrations } from '../../drizzle/schema';
import type { Executor } from '../db/client';
import type { Env } from '../env';
import { createOpenAIClient } from '../integrations/openai-client';
import type { FetchLike } from '../integrations/provider-http';
import { assertSafeBaseUrl, type HostResolver } from '../integrations/url-guard';
import { createSecretBox, type SecretBox } from '../lib/crypto';

export type ModelClientEnv = Pick<
  Env,
  | 'OPENAI_API_KEY'
  | 'OPENAI_BASE_URL'
  | 'OPENAI_MODEL'
  | 'AI_TIMEOUT_MS'
  | 'ALLOW_PRIVATE_INTEGRATION_URLS'
  | 'encryptionKeys'
>;

export type ModelClient = {
  ok: true;
  client: OpenAI;
  model: string;
  /** Whose key pays: the tenant's integration or the operator's environment. */
  source: 'integration' | 'operator';
  integrationId: string | null;
};

export type NoModelClient = {
  ok: false;
  /** not_configured: no integration and no operator key; integration_unusable: one exists but cannot be used. */
  reason: 'not_configured' | 'integration_unusable';
  detail: string;
};

export type ResolveModelClientInput = {
  db: Executor;
  env: ModelClientEnv;
  tenantId: string;
  fetch?: FetchLike;
  /** Pass Deps.secrets; a box over env.encryptionKeys only when there is none (scripts, tests). */
  secrets?: SecretBox;
  /** DNS for the base-URL guard (tests inject a table). */
  resolveHost?: HostResolver;
};

function configString(config: Record<string, unknown>, key: string): string | undefined {
  const value = config[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export async function resolveModelClient(input: ResolveModelClientInput): Promise<ModelClient | NoModelClient> {
  const { db, env, tenantId } = input;
  const [integration] = await db
    .select()
    .from(integrations)
    .where(
      and(eq(integrations.tenantId, tenantId), eq(integrations.template, 'openai'), eq(integrations.status, 'active')),
    )
    .orderBy(desc(integrations.updatedAt))
    .limit(1);

  if (integration) {
    const sealed = integration.secrets.apiKey;
    if (!sealed) return { ok: false, reason: 'integration_unusable', detail: 'OpenAI integration has no API key' };
    let apiKey: string;
    try {
      const box = input.secrets ?? createSecretBox(env.encryptionKeys);
      apiKey = box.decrypt(sealed, { tenantId, integrationId: integration.id, field: 'apiKey' });
    } catch {
      // The reason stays generic on purpose: it is stored on leads that staff can read.
      return { ok: false, reason: 'integration_unusable', detail: 'OpenAI API key could not be decrypted' };
    }
    const baseUrl = configString(integration.config, 'baseUrl');
    if (baseUrl) {
      try {
        // Checked again here, not only when saved: DNS may have changed since.
        await assertSafeBaseUrl(baseUrl, {
          allowPrivate: env.ALLOW_PRIVATE_INTEGRATION_URLS,
          ...(input.resolveHost ? { resolve: input.resolveHost } : {}),
        });
      } catch (err) {
        return { ok: false, reason: 'integration_unusable', detail: (err as Error).message };
      }
    }
    return {
      ok: true,
      client: createOpenAIClient({
        apiKey,
        ...(baseUrl ? { baseURL: baseUrl } : {}),
        timeoutMs: env.AI_TIMEOUT_MS,
        maxRetries: 0,
        ...(input.fetch ? { fetch: input.fetch } : {}),
      }),
      model: configString(integration.config, 'model') ?? env.OPENAI_MODEL,
      source: 'integration',
      integrationId: integration.id,
    };
  }

  if (env.OPENAI_API_KEY) {
    return {
      ok: true,
      client: createOpenAIClient({
        apiKey: env.OPENAI_API_KEY,
        ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
        timeoutMs: env.AI_TIMEOUT_MS,
        maxRetries: 0,
        ...(input.fetch ? { fetch: input.fetch } : {}),
      }),
      model: env.OPENAI_MODEL,
      source: 'operator',
      integrationId: null,
    };
  }

  return { ok: false, reason: 'not_configured', detail: 'no active OpenAI integration and no OPENAI_API_KEY' };
}
