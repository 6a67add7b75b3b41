// One structured log line and the HTTP metrics per request, labelled by route pattern (not raw path).
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from '../lib/app-env';

export function requestLog(): MiddlewareHandler<AppEnv> {
  return async function requestLog(c, next) {
    const start = performance.now();
    await next();
    const seconds = (performance.now() - start) / 1000;
    // c.get() rather than c.var: every c.var access copies all request variables into a new object.
    const { metrics, log } = c.get('deps');
    const status = c.res.status;
    const matched = routePath(c, -1);
    const route = status === 404 && (matched === '*' || matched.endsWith('/*')) ? 'unmatched' : matched;
    metrics.httpRequests.inc({ method: c.req.method, route, status: String(status) });
    metrics.httpDuration.observe({ method: c.req.method, route }, seconds);
    const level = status >= 500 ? 'error' : 'info';
    // The app's logger with the request id as a field: the same line as requestLogger(c) writes, without
    // building a child logger per request.
    log[level]('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      route,
      status,
      durationMs: Math.round(seconds * 10_000) / 10,
      tenant: c.get('tenant')?.slug,
    });
  };
}
