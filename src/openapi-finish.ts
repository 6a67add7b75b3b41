// What every operation shares, added once to the generated document instead of repeated in each route:
// its security requirement by path, the Error schema on error responses, x-request-id, conditional-request
// headers where they apply, and RateLimit-* on rate-limited groups (app.ts decides which paths are limited).
type Json = Record<string, unknown>;
type Operation = Json & { responses?: Record<string, Json>; parameters?: Json[]; security?: unknown };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/** Sign-in, refresh and sign-out take no bearer token (app.ts: PUBLIC_AUTH_PATHS). */
const PUBLIC_ADMIN_PATHS = new Set(['/api/admin/auth/login', '/api/admin/auth/refresh', '/api/admin/auth/logout']);

/** Storefront reads answering 304 to If-None-Match. */
const CONDITIONAL_GETS = new Set(['/api/tenant', '/api/cars', '/api/cars/{slug}']);
/** Writes taking If-Match (the car version) as an alternative to `version` in the body. */
const IF_MATCH = new Set(['patch /api/admin/cars/{id}']);

const ref = (name: string) => ({ $ref: `#/components/headers/${name}` });
const ERROR_CONTENT = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };

function securityFor(path: string): unknown[] | undefined {
  if (path.startsWith('/api/admin/')) return PUBLIC_ADMIN_PATHS.has(path) ? [] : [{ bearerAuth: [] }];
  if (path.startsWith('/api/platform/')) return [{ platformKey: [] }];
  // Required only when METRICS_TOKEN is set: the empty requirement makes it optional.
  if (path === '/metrics') return [{ metricsToken: [] }, {}];
  return undefined;
}

/** The rate-limit group an operation is counted in (src/app.ts), if any. */
function rateLimited(method: string, path: string): boolean {
  if (path.startsWith('/webhook/') || path.startsWith('/api/admin/')) return true;
  if (path === '/api/leads') return method === 'post';
  if (path === '/api/tenant' || path === '/api/cars' || path.startsWith('/api/cars/'))
    return method === 'get' || method === 'head';
  return false;
}

const components = {
  headers: {
    'X-Request-Id': {
      description: 'The request id (an incoming `x-request-id` of ≤128 safe characters is kept); also in error bodies',
      schema: { type: 'string' },
    },
    'RateLimit-Limit': { description: 'Requests allowed in the window', schema: { type: 'integer' } },
    'RateLimit-Remaining': { description: 'Requests left in the window', schema: { type: 'integer' } },
    'RateLimit-Reset': { description: 'Seconds until the window is full again', schema: { type: 'integer' } },
    'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
    ETag: {
      description: 'Weak validator of the representation; send back as If-None-Match',
      schema: { type: 'string' },
    },
  },
  responses: {
    Error: {
      description: 'An error in the CONTRACT §1 shape (see the `Error` schema for the codes)',
      headers: { 'x-request-id': ref('X-Request-Id') },
      content: ERROR_CONTENT,
    },
  },
  parameters: {
    IfNoneMatch: {
      in: 'header',
      name: 'If-None-Match',
      required: false,
      description: 'An ETag from an earlier answer: 304 Not Modified (no body) while it still matches',
      schema: { type: 'string' },
    },
    IfMatch: {
      in: 'header',
      name: 'If-Match',
      required: false,
      description:
        'The car version (`"3"`, `W/"3"` or `3`) instead of `version` in the body; 409 version_conflict when stale',
      schema: { type: 'string' },
    },
  },
  securitySchemes: {
    metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, required only when configured' },
  },
};

function finishOperation(method: string, path: string, op: Operation) {
  const security = securityFor(path);
  if (security) op.security = security;
  const limited = rateLimited(method, path);
  op.responses ??= {};
  const responses = op.responses;
  if (method === 'get' && CONDITIONAL_GETS.has(path)) {
    op.parameters = [...(op.parameters ?? []), { $ref: '#/components/parameters/IfNoneMatch' }];
    responses['304'] ??= { description: 'Not Modified: the If-None-Match ETag still matches' };
  }
  if (IF_MATCH.has(`${method} ${path}`)) {
    op.parameters = [...(op.parameters ?? []), { $ref: '#/components/parameters/IfMatch' }];
  }
  if (limited) {
    responses['429'] ??= { description: 'rate_limited (or too_many_attempts on sign-in)' };
  }
  for (const [status, response] of Object.entries(responses)) {
    if ('$ref' in response) continue;
    const isError = /^[45]/.test(status);
    if (isError && !response.content) response.content = ERROR_CONTENT;
    response.headers ??= {};
    const headers = response.headers as Json;
    headers['x-request-id'] ??= ref('X-Request-Id');
    if (limited) {
      headers['RateLimit-Limit'] ??= ref('RateLimit-Limit');
      headers['RateLimit-Remaining'] ??= ref('RateLimit-Remaining');
      headers['RateLimit-Reset'] ??= ref('RateLimit-Reset');
    }
    if (status === '429' || status === '503') headers['Retry-After'] ??= ref('Retry-After');
    if (CONDITIONAL_GETS.has(path) && (status === '200' || status === '304')) headers.ETag ??= ref('ETag');
  }
  responses.default ??= { $ref: '#/components/responses/Error' };
}

/** Adds the shared parts to a generated document, in place, and returns it. */
export function finishDocument<T extends { paths?: unknown; components?: unknown }>(doc: T): T {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Operation>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) finishOperation(method, path, op);
    }
  }
  const target = doc as { components?: Record<string, Json> };
  target.components ??= {};
  const c = target.components;
  for (const [section, entries] of Object.entries(components)) c[section] = { ...(c[section] ?? {}), ...entries };
  return doc;
}
