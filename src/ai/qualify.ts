// One model call that qualifies a lead: prompt in, validated structured answer out. What can go wrong
// splits three ways, and callers rely on it:
//   - transient (timeout, network, 429 rate limit, 5xx): thrown, for the job to retry with backoff
//     (a RetryLaterError when the provider said how long to wait);
//   - an answer we cannot use (refusal, content filter, not JSON, wrong shape, cut off, empty draft)
//     or a provider error retrying cannot fix (bad key, quota used up, unknown model): returned as
//     { ok: false, reason, detail } so the rule-based result is used and the reason is recorded;
//   - a usable answer: returned with car ids the model invented already dropped.
import type OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { toOpenAIProviderError } from '../integrations/openai-client';
import { isProviderError, type ProviderErrorKind, toJobError } from '../integrations/provider-error';
import { RetryLaterError } from '../jobs/registry';
import { type BuildPromptInput, buildPrompt, type PromptCar } from './prompt';
import { LeadQualification, RESPONSE_FORMAT_NAME } from './schema';
import type { TokenUsage } from './usage';

/** Why a model answer was not used. */
export type ModelFailureReason = 'refused' | 'malformed' | 'provider_rejected';

export type QualifyInput = Omit<BuildPromptInput, 'candidates'> & {
  client: OpenAI;
  model: string;
  candidates: readonly PromptCar[];
  signal?: AbortSignal;
  /** Upper bound on the answer's length; a draft plus reasoning fits comfortably. */
  maxCompletionTokens?: number;
};

export type QualifyOutcome =
  | {
      ok: true;
      result: LeadQualification;
      /** Ids the model returned that were not among the candidates (dropped from the result). */
      droppedCarIds: string[];
      usage: TokenUsage;
      model: string;
    }
  | {
      ok: false;
      reason: ModelFailureReason;
      detail: string;
      /** Null when no answer came back (nothing to bill). */
      usage: TokenUsage | null;
      providerKind?: ProviderErrorKind;
    };

/** Permanent provider failures that are really about the answer rather than the account. */
const REASON_BY_KIND: Partial<Record<ProviderErrorKind, ModelFailureReason>> = {
  malformed_response: 'malformed',
  rejected: 'refused',
};

const responseFormat = zodResponseFormat(LeadQualification, RESPONSE_FORMAT_NAME);

function usageOf(completion: ChatCompletion): TokenUsage {
  const u = completion.usage;
  return {
    promptTokens: u?.prompt_tokens ?? 0,
    completionTokens: u?.completion_tokens ?? 0,
    totalTokens: u?.total_tokens ?? (u?.prompt_tokens ?? 0) + (u?.completion_tokens ?? 0),
  };
}

/** The first validation problems, short enough to store on the lead. */
function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** True for errors `qualifyWithModel` throws because trying again later may work. */
export function isRetryableModelError(err: unknown): boolean {
  return err instanceof RetryLaterError || (isProviderError(err) && err.retryable);
}

/** Reads, checks and trims the model's answer; exported for tests of the checking rules. */
export function interpretCompletion(completion: ChatCompletion, candidates: readonly PromptCar[]): QualifyOutcome {
  // The SDK hands back a non-JSON HTTP body as a plain string rather than throwing.
  if (typeof completion !== 'object' || completion === null || !Array.isArray(completion.choices)) {
    return { ok: false, reason: 'malformed', detail: 'response is not a chat completion', usage: null };
  }
  const usage = usageOf(completion);
  const choice = completion.choices[0];
  const message = choice?.message;
  if (!choice || !message) return { ok: false, reason: 'malformed', detail: 'answer has no choices', usage };
  if (message.refusal) return { ok: false, reason: 'refused', detail: message.refusal.slice(0, 500), usage };
  if (choice.finish_reason === 'content_filter') {
    return { ok: false, reason: 'refused', detail: 'answer stopped by the content filter', usage };
  }
  if (choice.finish_reason === 'length') {
    return { ok: false, reason: 'malformed', detail: 'answer cut off at the token limit', usage };
  }
  if (!message.content) return { ok: false, reason: 'malformed', detail: 'answer is empty', usage };

  let json: unknown;
  try {
    json = JSON.parse(message.content);
  } catch {
    return { ok: false, reason: 'malformed', detail: 'answer is not JSON', usage };
  }
  const parsed = LeadQualification.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      reason: 'malformed',
      detail: `answer does not match the schema: ${describeIssues(parsed.error.issues)}`,
      usage,
    };
  }
  const answer = parsed.data;
  if (answer.replyDraft.trim() === '') return { ok: false, reason: 'malformed', detail: 'reply draft is empty', usage };

  const allowed = new Set(candidates.map((c) => c.id));
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const id of answer.matchedCarIds) {
    if (allowed.has(id)) {
      if (!kept.includes(id)) kept.push(id);
    } else {
      dropped.push(id);
    }
  }
  return {
    ok: true,
    result: { ...answer, replyDraft: answer.replyDraft.trim(), matchedCarIds: kept },
    droppedCarIds: dropped,
    usage,
    model: completion.model,
  };
}

export async function qualifyWithModel(input: QualifyInput): Promise<QualifyOutcome> {
  const messages = buildPrompt(input);
  let completion: ChatCompletion;
  try {
    // `create` rather than `parse`: `parse` throws on a bad answer and the usage (still billed) is lost.
    completion = await input.client.chat.completions.create(
      {
        model: input.model,
        messages,
        response_format: responseFormat,
        temperature: 0.2,
        max_completion_tokens: input.maxCompletionTokens ?? 800,
      },
      input.signal ? { signal: input.signal } : undefined,
    );
  } catch (err) {
    const failure = toOpenAIProviderError(err);
    if (failure.retryable) throw toJobError(failure);
    return {
      ok: false,
      reason: REASON_BY_KIND[failure.kind] ?? 'provider_rejected',
      detail: failure.message.slice(0, 500),
      usage: null,
      providerKind: failure.kind,
    };
  }
  return interpretCompletion(completion, input.candidates);
}
