// Body size limit with the contract's 413 error.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../lib/app-env';
import { AppError } from '../lib/errors';

export function bodyLimit(options: { maxBytes: number }): MiddlewareHandler<AppEnv> {
  if (!(options.maxBytes > 0)) throw new Error('bodyLimit: maxBytes must be positive');
  const handler = honoBodyLimit({
    maxSize: options.maxBytes,
    onError: () => {
      throw new AppError('payload_too_large', `Request body exceeds ${options.maxBytes} bytes`);
    },
  });
  return async function bodyLimit(c, next) {
    return handler(c, next);
  };
}
