// The one way provider clients make HTTP calls: hard timeout, no redirects followed (a redirect to an
// internal address would bypass the URL guard), network failures typed as retryable ProviderErrors.
import { ProviderError, type ProviderName } from './provider-error';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export type HttpResult = { status: number; headers: Headers; text: string; json: unknown };

/**
 * One HTTP call with a hard timeout. Network failures and timeouts become retryable ProviderErrors;
 * every answer (any status) is returned for the provider module to interpret.
 */
export async function providerFetch(
  provider: ProviderName,
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit & { timeoutMs: number },
): Promise<HttpResult> {
  const { timeoutMs, ...rest } = init;
  let response: Response;
  let text: string;
  try {
    // The timeout covers reading the body too, so a server that stalls mid-response cannot hang a job.
    response = await fetchImpl(url, { ...rest, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    text = await response.text();
  } catch (err) {
    const name = (err as { name?: string })?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new ProviderError(provider, 'timeout', `${provider} did not answer within ${timeoutMs} ms`, {
        cause: err,
      });
    }
    throw new ProviderError(
      provider,
      'network',
      `${provider} could not be reached: ${(err as Error)?.message ?? err}`,
      {
        cause: err,
      },
    );
  }
  let json: unknown;
  try {
    json = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Lower-cases the top-level keys of a JSON object (providers are not consistent: `Status` vs `status`). */
export function lowerKeys(value: unknown): Record<string, unknown> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Base URL + path without doubled or missing slashes. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
