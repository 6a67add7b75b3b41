// The single place where failures become HTTP responses, always in CONTRACT §1's shape:
// AppError as is, framework errors mapped to their codes, database outages as 503, anything else a generic 500.
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../lib/app-env';
import { AppError, type ErrorCode, errorStatus, pgColumn, pgErrorCode } from '../lib/errors';
import { requestLogger } from './request-context';

export function renderError(c: Context<AppEnv>, error: AppError): Response {
  const body = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
      requestId: c.get('requestId') ?? null,
    },
  };
  if (error.headers) for (const [k, v] of Object.entries(error.headers)) c.header(k, v);
  return c.json(body, error.status);
}

/** Connection-level failures (server down, restarting, pool exhausted): the client should retry. */
function isDatabaseUnavailable(err: unknown): boolean {
  const code = pgErrorCode(err);
  if (code && (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300'))
    return true;
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const errno = (e as { code?: unknown }).code;
    if (
      errno === 'ECONNREFUSED' ||
      errno === 'ECONNRESET' ||
      errno === 'CONNECTION_CLOSED' ||
      errno === 'CONNECTION_ENDED' ||
      errno === 'CONNECTION_DESTROYED' ||
      errno === 'CONNECT_TIMEOUT'
    )
      return true;
    if (e instanceof Error && /PGlite is closed/i.test(e.message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function dbValidation(err: unknown, message: string): AppError {
  const column = pgColumn(err);
  const path = column ? column.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase()) : '(unknown)';
  return new AppError('validation_failed', message, { details: [{ path, message }] });
}

export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 400 && /json/i.test(err.message))
      return new AppError('malformed_json', 'Malformed JSON in request body');
    if (err.status === 413) return new AppError('payload_too_large', 'Request body is too large');
    if (err.status === 415) return new AppError('unsupported_media_type', err.message);
    const code = (Object.entries(errorStatus).find(([, s]) => s === err.status)?.[0] ?? undefined) as
      | ErrorCode
      | undefined;
    if (code && err.status < 500) return new AppError(code, err.message || code);
    return undefined;
  }
  if (isDatabaseUnavailable(err)) {
    return new AppError('unavailable', 'Service temporarily unavailable, please retry', {
      headers: { 'Retry-After': '5' },
    });
  }
  const pg = pgErrorCode(err);
  if (pg === '23505') return new AppError('conflict', 'A unique field is already taken');
  // Last-resort mappings: routes validate first (int32 bounds, NUL guard), so these are rare; the detail names
  // the column when Postgres says which (never SQL text), else `(unknown)`, so `details` is never empty.
  if (pg === '23503') return dbValidation(err, 'A referenced object does not exist');
  if (pg?.startsWith('22')) return dbValidation(err, 'A value is out of range or malformed');
  return undefined;
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const mapped = toAppError(err);
  if (mapped) {
    if (mapped.status >= 500) requestLogger(c)?.warn('request failed', { code: mapped.code, err });
    return renderError(c, mapped);
  }
  requestLogger(c)?.error('unhandled error', { err });
  return renderError(c, new AppError('internal_error', 'Internal server error'));
};

export const notFound: NotFoundHandler<AppEnv> = (c) =>
  renderError(c, new AppError('not_found', `No route for ${c.req.method} ${c.req.path}`));
