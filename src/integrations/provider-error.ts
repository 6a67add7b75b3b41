// One error type for every provider call, saying whether retrying can help, so job tasks decide
// between backoff, a provider-given delay, and failing for good without knowing each provider.
import { PermanentJobError, RetryLaterError } from '../jobs/registry';

export type ProviderName = 'fonnte' | 'gohighlevel' | 'openai';

export type ProviderErrorKind =
  // retryable
  | 'network'
  | 'timeout'
  | 'rate_limited'
  | 'server_error'
  | 'device_disconnected'
  // permanent
  | 'auth'
  | 'invalid_target'
  | 'not_found'
  | 'invalid_request'
  | 'quota_exceeded'
  | 'rejected'
  | 'malformed_response';

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set([
  'network',
  'timeout',
  'rate_limited',
  'server_error',
  'device_disconnected',
]);

export class ProviderError extends Error {
  readonly provider: ProviderName;
  readonly kind: ProviderErrorKind;
  /** True when the same call may succeed later; false when only a human can fix it. */
  readonly retryable: boolean;
  /** Provider-given wait before retrying (429 Retry-After and friends). */
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;

  constructor(
    provider: ProviderName,
    kind: ProviderErrorKind,
    message: string,
    options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProviderError';
    this.provider = provider;
    this.kind = kind;
    this.retryable = RETRYABLE.has(kind);
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}

export function isProviderError(err: unknown): err is ProviderError {
  return err instanceof ProviderError;
}

/**
 * Translates a provider failure for the job worker: permanent → PermanentJobError, retryable with a
 * provider delay → RetryLaterError, other retryable failures keep their error (normal backoff).
 */
export function toJobError(err: unknown): unknown {
  if (!(err instanceof ProviderError)) return err;
  if (!err.retryable) return new PermanentJobError(err.message, { cause: err });
  if (err.retryAfterMs !== undefined) return new RetryLaterError(err.message, err.retryAfterMs, { cause: err });
  return err;
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
