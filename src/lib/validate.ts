// The one request validator: @hono/zod-validator, failures thrown as AppError (so onError renders them),
// and the schema registered with hono-openapi so /openapi.json is generated from this same schema.
// Before zod sees anything, input nested absurdly deep, holding NUL characters or lone UTF-16 surrogates
// is refused: the first overflows recursive code downstream (JSON stringify), the others are rejected by
// Postgres text and jsonb (22021, 22P05).
import { zValidator } from '@hono/zod-validator';
import type { Context, ValidationTargets } from 'hono';
import { resolver, uniqueSymbol } from 'hono-openapi';
import type { z } from 'zod';
import type { AppEnv } from './app-env';
import { AppError, type ErrorDetail } from './errors';

/** Containers nested deeper than this are refused (no legitimate request comes close). */
export const MAX_INPUT_DEPTH = 32;
const MAX_GUARD_DETAILS = 10;

/** One detail per path: the first issue zod (or a later check) reported for a field is the one shown. */
export function dedupeDetails(details: readonly ErrorDetail[]): ErrorDetail[] {
  const seen = new Set<string>();
  return details.filter((d) => !seen.has(d.path) && seen.add(d.path));
}

export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return dedupeDetails(
    issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(root)',
      message: issue.message,
    })),
  );
}

type Trail = { key: string; parent: Trail | null } | null;

function pathOf(trail: Trail): string {
  const keys: string[] = [];
  for (let t = trail; t; t = t.parent) keys.push(t.key);
  return keys.reverse().join('.') || '(root)';
}

/**
 * Depth, NUL and lone-surrogate problems in a parsed input, found iteratively (a 100 000-deep array costs 33 steps, not a
 * stack overflow). Paths are only built for problems, so a large clean body costs one pass and no strings.
 */
export function inputProblems(value: unknown, maxDepth = MAX_INPUT_DEPTH): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const stack: [unknown, Trail, number][] = [[value, null, 0]];
  while (stack.length > 0 && problems.length < MAX_GUARD_DETAILS) {
    const [v, trail, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) problems.push({ path: pathOf(trail), message: 'Must not contain NUL characters' });
      // A lone UTF-16 surrogate (`"\ud83d"` alone in JSON) is text no encoding can store.
      else if (!v.isWellFormed()) problems.push({ path: pathOf(trail), message: 'Must be valid Unicode text' });
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) {
      problems.push({ path: pathOf(trail), message: `Nested deeper than ${maxDepth} levels` });
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], { key: String(i), parent: trail }, depth + 1]);
      continue;
    }
    // Plain objects only (JSON, query, form); a File from multipart is left to the schema.
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) continue;
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const at = { key, parent: trail };
      if (key.includes('\u0000')) {
        problems.push({ path: pathOf(at).replaceAll('\u0000', '\\u0000'), message: 'Keys must not contain NUL' });
        continue;
      }
      if (!key.isWellFormed()) {
        problems.push({ path: pathOf(at).toWellFormed(), message: 'Keys must be valid Unicode text' });
        continue;
      }
      stack.push([(v as Record<string, unknown>)[key], at, depth + 1]);
    }
  }
  return problems;
}

const whereOf = (target: keyof ValidationTargets) => (target === 'json' || target === 'form' ? 'body' : target);

export type ValidateOptions<Schema extends z.ZodType> = {
  /**
   * Checks a schema cannot express (a database lookup, a rule needing the tenant). They run whether or
   * not the schema passed — `parsed` is undefined when it did not, `raw` is the input as received — so one
   * 400 lists every problem. Return the problems; validate() throws once with them and the schema's.
   */
  also?: (
    input: { raw: unknown; parsed: z.output<Schema> | undefined },
    c: Context<AppEnv>,
  ) => ErrorDetail[] | Promise<ErrorDetail[]>;
};

export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
  options: ValidateOptions<Schema> = {},
) {
  const { also } = options;
  const middleware = zValidator(
    target,
    schema,
    async (result, c) => {
      const schemaDetails = result.success ? [] : issuesToDetails(result.error.issues);
      const extra = also
        ? await also(
            {
              raw: (result as { raw?: unknown }).raw,
              parsed: result.success ? (result.data as z.output<Schema>) : undefined,
            },
            c as unknown as Context<AppEnv>,
          )
        : [];
      if (schemaDetails.length === 0 && extra.length === 0) return;
      throw new AppError('validation_failed', `Invalid request ${whereOf(target)}`, {
        details: dedupeDetails([...schemaDetails, ...extra]),
      });
    },
    {
      // Runs on exactly the value zod would see, before zod: hostile shapes never reach a schema.
      validationFunction: async (s, value) => {
        const problems = inputProblems(value);
        if (problems.length > 0) {
          throw new AppError('validation_failed', `Invalid request ${whereOf(target)}`, { details: problems });
        }
        // `raw` rides along on the result so the hook can hand the input as received to `also`.
        return Object.assign(await s.safeParseAsync(value), { raw: value }) as never;
      },
    },
  );
  return Object.assign(middleware, { [uniqueSymbol]: { target, ...resolver(schema) } });
}
