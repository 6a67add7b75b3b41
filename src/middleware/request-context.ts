// First middleware: request id (an incoming one of ≤128 safe chars is kept) and deps; requestLogger(c) gives
// the request-scoped logger, built only when something logs.
// On the way out it makes the final response honour CONTRACT §1 whatever built it (handlers, onError,
// notFound, a route's 304): `x-request-id` is present, JSON says `charset=utf-8`, and a rate-limited
// request carries the RateLimit-* headers of the decision its limiters recorded (c.var.rateLimit).
import type { Context, MiddlewareHandler } from 'hono';
import { uuidv7 } from 'uuidv7';
import type { AppEnv } from '../lib/app-env';
import type { Deps } from '../lib/deps';
import type { Logger } from '../lib/logger';
import type { RateLimitDecision } from '../lib/rate-limit/store';

const SAFE_ID = /^[A-Za-z0-9._:\-=]{1,128}$/;
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** `application/json` (any case, any parameters but a charset) gets `; charset=utf-8`. */
function jsonWithoutCharset(contentType: string | null): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(';');
  return type!.trim().toLowerCase() === 'application/json' && !params.some((p) => /^\s*charset=/i.test(p));
}

/** Makes the final response comply: its request id, a JSON charset, the recorded rate-limit decision. */
function fix(headers: Headers, id: string, limit: RateLimitDecision | undefined): void {
  headers.set('x-request-id', id);
  if (jsonWithoutCharset(headers.get('content-type'))) headers.set('content-type', JSON_CONTENT_TYPE);
  if (limit) {
    headers.set('RateLimit-Limit', String(limit.limit));
    headers.set('RateLimit-Remaining', String(limit.remaining));
    headers.set('RateLimit-Reset', String(limit.resetSeconds));
  }
}

/**
 * The request's logger: the app's, with the request id on every line. Built on demand rather than kept in
 * c.var: most requests log once or not at all, and each variable costs every request (bench/rate-limit).
 * Undefined before requestContext has run.
 */
export function requestLogger(c: Context<AppEnv>): Logger | undefined {
  return c.get('deps')?.log.child({ requestId: c.get('requestId') });
}

export function requestContext(options: { deps: Deps }): MiddlewareHandler<AppEnv> {
  if (!options?.deps) throw new Error('requestContext: deps is required');
  const { deps } = options;
  return async function requestContext(c, next) {
    const incoming = c.req.header('x-request-id');
    const id = incoming && SAFE_ID.test(incoming) ? incoming : uuidv7();
    c.set('requestId', id);
    c.set('deps', deps);
    // x-request-id goes on the final response only (fix): put into the headers every response is built
    // from, it made each later header operation dearer (bench/rate-limit).
    await next();
    const limit = c.get('rateLimit');
    editResponseHeaders(c, (headers) => fix(headers, id, limit));
  };
}

/**
 * Applies `edit` to the headers of the response going out. Immutable headers (a Response from fetch or
 * Response.redirect) throw on the first change: then the response is copied once and the copy edited.
 */
export function editResponseHeaders(c: Context<AppEnv>, edit: (headers: Headers) => void): void {
  try {
    edit(c.res.headers);
  } catch {
    const copy = new Response(c.res.body, c.res);
    edit(copy.headers);
    // Replace, not merge: assigning over a response makes hono copy the old one's headers onto the new.
    c.res = undefined;
    c.res = copy;
  }
}
