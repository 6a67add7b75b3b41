// The one request validator: @hono/zod-validator, failures thrown as AppError (so onError renders them),
// and the schema registered with hono-openapi so /openapi.json is generated from this same schema.
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { resolver, uniqueSymbol } from 'hono-openapi';
import type { z } from 'zod';
import { AppError, type ErrorDetail } from './errors';

export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
) {
  const middleware = zValidator(target, schema, (result) => {
    if (!result.success) {
      const where = target === 'json' || target === 'form' ? 'body' : target;
      throw new AppError('validation_failed', `Invalid request ${where}`, {
        details: issuesToDetails(result.error.issues),
      });
    }
  });
  return Object.assign(middleware, { [uniqueSymbol]: { target, ...resolver(schema) } });
}
