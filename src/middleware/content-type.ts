// Body-carrying requests must be JSON (webhooks may also send form-encoded): anything else is 415.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../lib/app-env';
import { AppError } from '../lib/errors';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

export function contentType(options: { allowForm?: boolean } = {}): MiddlewareHandler<AppEnv> {
  const allowForm = options.allowForm ?? false;
  return async function contentType(c, next) {
    const method = c.req.method;
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      const hasBody = c.req.raw.body !== null && c.req.header('content-length') !== '0';
      const type = c.req.header('content-type') ?? '';
      if (hasBody && !(JSON_TYPE.test(type) || (allowForm && FORM_TYPE.test(type)))) {
        throw new AppError(
          'unsupported_media_type',
          allowForm
            ? 'Content-Type must be application/json or application/x-www-form-urlencoded'
            : 'Content-Type must be application/json',
        );
      }
    }
    await next();
  };
}
