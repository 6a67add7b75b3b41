// The model step of `lead.follow_up`, runnable on its own: pick the account, the candidate cars and
// the month's budget, ask the model, and say either "here is the model's qualification" or "use the
// rules, because …". Only transient model failures escape (for the job to retry), and not on the last
// attempt, where the rules answer instead so a lead is never left unqualified.
import type { Tenant } from '../../drizzle/schema';
import type { Executor } from '../db/client';
import type { Env } from '../env';
import type { FetchLike } from '../integrations/provider-http';
import type { Clock } from '../lib/clock';
import type { SecretBox } from '../lib/crypto';
import type { Logger } from '../lib/logger';
import { storefrontBaseUrl } from '../services/car-matching';
import { type CandidateQuery, findCandidateCars, toPromptCar } from './candidates';
import { resolveModelClient } from './client-for-tenant';
import type { PromptMessage } from './prompt';
import { isRetryableModelError, type ModelFailureReason, qualifyWithModel } from './qualify';
import type { LeadQualification } from './schema';
import { monthlyCallCap, recordUsage, reserveModelCall, type TokenUsage, usageMonth } from './usage';

/** Why the rule-based result was used; stored on the lead as `qualification.fallbackReason`. */
export type FallbackReason =
  | 'not_configured'
  | 'integration_unusable'
  | 'cap_reached'
  | 'no_conversation'
  | 'model_unavailable'
  | ModelFailureReason;

/** What the lead keeps of a model qualification (`leads.qualification` when path is 'model'). */
export type ModelQualificationRecord = Omit<LeadQualification, 'replyDraft'> & {
  path: 'model';
  model: string;
  /** Whose key paid: the tenant's integration or the operator's. */
  account: 'integration' | 'operator';
  usage: TokenUsage;
  /** Cars the model was offered, and ids it returned that were not among them (dropped). */
  candidateCarIds: string[];
  droppedCarIds: string[];
  qualifiedAt: string;
};

export type ModelStepResult =
  | { path: 'model'; qualification: ModelQualificationRecord; replyDraft: string }
  | { path: 'rules'; fallbackReason: FallbackReason; fallbackDetail: string; usage: TokenUsage | null };

export type ModelStepDeps = {
  db: Executor;
  env: Env;
  clock: Clock;
  log: Logger;
  fetch?: FetchLike;
  /** The process's secret box (Deps.secrets), so key rotation is configured in one place. */
  secrets?: SecretBox;
};

export type ModelStepInput = {
  tenant: Tenant;
  /** The lead's messages (any order); notes, drafts and failed sends are left out here. */
  conversation: readonly (PromptMessage & { channel?: string; status?: string })[];
  /** The interest the rules read, to find candidate cars. */
  query: CandidateQuery;
  signal?: AbortSignal;
  /** True on the job's last attempt: a transient failure then falls back instead of throwing. */
  finalAttempt: boolean;
};

const fallback = (
  fallbackReason: FallbackReason,
  fallbackDetail: string,
  usage: TokenUsage | null = null,
): ModelStepResult => ({ path: 'rules', fallbackReason, fallbackDetail, usage });

export async function runModelStep(deps: ModelStepDeps, input: ModelStepInput): Promise<ModelStepResult> {
  const { db, env } = deps;
  const { tenant } = input;

  const conversation = input.conversation.filter(
    (m) => m.channel !== 'note' && m.status !== 'draft' && m.status !== 'failed' && m.body.trim() !== '',
  );
  if (!conversation.some((m) => m.direction === 'in')) {
    return fallback('no_conversation', 'the lead has not written anything yet');
  }

  const account = await resolveModelClient({
    db,
    env,
    tenantId: tenant.id,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.secrets ? { secrets: deps.secrets } : {}),
  });
  if (!account.ok) return fallback(account.reason, account.detail);

  const [cars, origin] = await Promise.all([
    findCandidateCars({ db, tenantId: tenant.id, query: input.query, limit: env.AI_MAX_CANDIDATES }),
    // The same storefront links as the rule-based reply.
    storefrontBaseUrl({ db, tenant, env }),
  ]);
  const candidates = cars.map((car) => toPromptCar(car, tenant, origin));

  const now = deps.clock.now();
  const month = usageMonth(now);
  const cap = monthlyCallCap(tenant.settings, env);
  if (!(await reserveModelCall({ db, tenantId: tenant.id, month, cap }))) {
    return fallback('cap_reached', `monthly model call cap of ${cap} reached for ${month}`);
  }

  let outcome: Awaited<ReturnType<typeof qualifyWithModel>>;
  try {
    outcome = await qualifyWithModel({
      client: account.client,
      model: account.model,
      tenant,
      conversation,
      candidates,
      now,
      limits: { maxMessages: env.AI_MAX_MESSAGES, maxMessageChars: env.AI_MAX_MESSAGE_CHARS },
      ...(input.signal ? { signal: input.signal } : {}),
    });
  } catch (err) {
    if (!isRetryableModelError(err) || !input.finalAttempt) throw err;
    deps.log.warn('model unavailable on the last attempt; using the rules', {
      tenantId: tenant.id,
      error: String(err),
    });
    return fallback('model_unavailable', (err as Error).message.slice(0, 500));
  }

  if (outcome.usage) await recordUsage({ db, tenantId: tenant.id, month, usage: outcome.usage });
  if (!outcome.ok) {
    deps.log.info('model answer not used', { tenantId: tenant.id, reason: outcome.reason, detail: outcome.detail });
    return fallback(outcome.reason, outcome.detail, outcome.usage);
  }

  const { replyDraft, ...rest } = outcome.result;
  return {
    path: 'model',
    replyDraft,
    qualification: {
      path: 'model',
      ...rest,
      model: outcome.model || account.model,
      account: account.source,
      usage: outcome.usage,
      candidateCarIds: candidates.map((c) => c.id),
      droppedCarIds: outcome.droppedCarIds,
      qualifiedAt: now.toISOString(),
    },
  };
}
