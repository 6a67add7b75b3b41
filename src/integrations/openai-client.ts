// A thin factory over the official SDK with the defaults jobs need (short timeout, no SDK retries:
// the job queue retries), a cheap connection test, and SDK errors mapped to ProviderError.
import OpenAI from 'openai';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  ContentFilterFinishReasonError,
  LengthFinishReasonError,
} from 'openai/core/error';
import { ProviderError, parseRetryAfter } from './provider-error';
import type { FetchLike } from './provider-http';

export type OpenAIClientOptions = {
  apiKey: string;
  /** e.g. https://api.openai.com/v1 (default) or a compatible endpoint / local double. */
  baseURL?: string;
  timeoutMs: number;
  /** Keep 0 inside jobs; the queue has its own backoff. */
  maxRetries?: number;
  fetch?: FetchLike;
};

export function createOpenAIClient(options: OpenAIClientOptions): OpenAI {
  if (!options.apiKey) throw new ProviderError('openai', 'auth', 'OpenAI API key is missing');
  return new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries ?? 0,
    ...(options.fetch ? { fetch: options.fetch as never } : {}),
  });
}

/** Connection test: lists model ids (first page). Throws ProviderError. */
export async function listModels(client: OpenAI): Promise<string[]> {
  try {
    const page = await client.models.list();
    return page.data.map((m) => m.id);
  } catch (err) {
    throw toOpenAIProviderError(err);
  }
}

function retryAfterOf(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  return parseRetryAfter(headers?.get('retry-after'));
}

/** Maps anything the SDK throws onto ProviderError so tasks treat every provider alike. */
export function toOpenAIProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof APIConnectionTimeoutError) {
    return new ProviderError('openai', 'timeout', 'OpenAI did not answer in time', { cause: err });
  }
  if (err instanceof APIUserAbortError) {
    return new ProviderError('openai', 'timeout', 'OpenAI request was aborted', { cause: err });
  }
  if (err instanceof APIConnectionError) {
    return new ProviderError('openai', 'network', `OpenAI could not be reached: ${err.message}`, {
      cause: err,
    });
  }
  if (err instanceof APIError) {
    const status = err.status;
    const message = `OpenAI answered ${status}: ${err.message}`;
    if (status === 429) {
      // Quota exhaustion is also a 429, but retrying will not help until someone pays.
      if (err.code === 'insufficient_quota') {
        return new ProviderError('openai', 'quota_exceeded', message, { status, cause: err });
      }
      const retryAfterMs = retryAfterOf(err.headers);
      return new ProviderError('openai', 'rate_limited', message, {
        status,
        cause: err,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    if (status !== undefined && status >= 500) {
      return new ProviderError('openai', 'server_error', message, { status, cause: err });
    }
    if (status === 401 || status === 403) return new ProviderError('openai', 'auth', message, { status, cause: err });
    if (status === 404) return new ProviderError('openai', 'not_found', message, { status, cause: err });
    return new ProviderError('openai', 'invalid_request', message, {
      cause: err,
      ...(status !== undefined ? { status } : {}),
    });
  }
  if (err instanceof LengthFinishReasonError || err instanceof ContentFilterFinishReasonError) {
    return new ProviderError('openai', 'rejected', err.message, { cause: err });
  }
  if (err instanceof SyntaxError) {
    return new ProviderError('openai', 'malformed_response', 'OpenAI answered with unparseable output', {
      cause: err,
    });
  }
  return new ProviderError('openai', 'malformed_response', (err as Error)?.message ?? String(err), {
    cause: err,
  });
}
