// First middleware: request id (an incoming one of ≤128 safe chars is kept), deps and a request-scoped logger.
import type { MiddlewareHandler } from 'hono';
import { uuidv7 } from 'uuidv7';
import type { AppEnv } from '../lib/app-env';
import type { Deps } from '../lib/deps';

const SAFE_ID = /^[A-Za-z0-9._:\-=]{1,128}$/;

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
  };
}
