// First middleware: request id (an incoming one of ≤128 safe chars is kept), deps and a request-scoped logger.
// On the way out it makes the final response honour CONTRACT §1 whatever built it (handlers, onError,
// notFound, hono's etag 304): `x-request-id` is present, JSON says `charset=utf-8`, and a rate-limited
// request carries the RateLimit-* headers of the decision its limiters recorded (c.var.rateLimit).
import type { MiddlewareHandler } from 'hono';
import { uuidv7 } from 'uuidv7';
import type { AppEnv } from '../lib/app-env';
import type { Deps } from '../lib/deps';
import type { RateLimitDecision } from '../lib/rate-limit/store';
import { rateLimitHeaders } from './rate-limit';

const SAFE_ID = /^[A-Za-z0-9._:\-=]{1,128}$/;
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** `application/json` (any case, any parameters but a charset) gets `; charset=utf-8`. */
function jsonWithoutCharset(contentType: string | null): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(';');
  return type!.trim().toLowerCase() === 'application/json' && !params.some((p) => /^\s*charset=/i.test(p));
}

/** Returns headers to change on the final response, or null when it already complies. */
function missingHeaders(res: Response, id: string, limit: RateLimitDecision | undefined): [string, string][] | null {
  const changes: [string, string][] = limit ? rateLimitHeaders(limit) : [];
  if (!res.headers.has('x-request-id')) changes.push(['x-request-id', id]);
  if (jsonWithoutCharset(res.headers.get('content-type'))) changes.push(['content-type', JSON_CONTENT_TYPE]);
  return changes.length ? changes : null;
}

export function requestContext(options: { deps: Deps }): MiddlewareHandler<AppEnv> {
  if (!options?.deps) throw new Error('requestContext: deps is required');
  const { deps } = options;
  return async function requestContext(c, next) {
    const incoming = c.req.header('x-request-id');
    const id = incoming && SAFE_ID.test(incoming) ? incoming : uuidv7();
    c.set('requestId', id);
    c.set('deps', deps);
    c.set('log', deps.log.child({ requestId: id }));
    c.header('x-request-id', id);
    await next();
    const changes = missingHeaders(c.res, id, c.get('rateLimit'));
    if (!changes) return;
    try {
      for (const [k, v] of changes) c.res.headers.set(k, v);
    } catch {
      // Immutable headers (a Response from fetch or Response.redirect): copy it once, then set.
      const copy = new Response(c.res.body, c.res);
      for (const [k, v] of changes) copy.headers.set(k, v);
      c.res = copy;
    }
  };
}
