// /openapi.json documents every route of the app with what they share: security by path, the Error schema,
// x-request-id, conditional-request and rate-limit headers.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createTestApp, json, type TestApp } from '../helpers/app';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

describe('/openapi.json', () => {
  let t: TestApp;
  let doc: any;
  const operations = () =>
    Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] })),
    );
  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.request('localhost', '/openapi.json');
    expect(res.status).toBe(200);
    doc = JSON.parse(await res.text());
  });
  afterAll(() => t.close());

  test('is OpenAPI 3.1 and lists every route the app serves', () => {
    expect(doc.openapi).toBe('3.1.0');
    const served = new Set(
      t.app.routes
        .filter((r) => METHODS.includes(r.method.toLowerCase()) && !['/openapi.json', '/docs'].includes(r.path))
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`),
    );
    const documented = new Set(operations().map(({ path, method }) => `${method} ${path}`));
    expect([...served].filter((s) => !documented.has(s))).toEqual([]);
    expect(served.size).toBeGreaterThan(40);
  });

  test('admin operations need the bearer token, platform ones the platform key; sign-in does not', () => {
    for (const { path, method, op } of operations()) {
      const expected = path.startsWith('/api/platform/')
        ? [{ platformKey: [] }]
        : ['/api/admin/auth/login', '/api/admin/auth/refresh', '/api/admin/auth/logout'].includes(path)
          ? []
          : path.startsWith('/api/admin/')
            ? [{ bearerAuth: [] }]
            : undefined;
      if (expected) expect({ path, method, security: op.security }).toEqual({ path, method, security: expected });
    }
    expect(doc.paths['/metrics'].get.security).toEqual([{ metricsToken: [] }, {}]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearerAuth', 'metricsToken', 'platformKey']);
  });

  test('every operation has an Error default, error responses use the Error schema, all carry x-request-id', () => {
    for (const { path, method, op } of operations()) {
      expect({ path, method, default: op.responses.default }).toEqual({
        path,
        method,
        default: { $ref: '#/components/responses/Error' },
      });
      for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
        if (status === 'default') continue;
        expect(response.headers['x-request-id']).toEqual({ $ref: '#/components/headers/X-Request-Id' });
        if (/^[45]/.test(status))
          expect(response.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
    expect(doc.components.schemas.Error.properties.error.required).toContain('requestId');
  });

  test('conditional requests and rate-limit headers are documented where they apply', () => {
    const tenant = doc.paths['/api/tenant'].get;
    expect(tenant.parameters).toContainEqual({ $ref: '#/components/parameters/IfNoneMatch' });
    expect(tenant.responses['304']).toBeDefined();
    expect(tenant.responses['200'].headers['RateLimit-Remaining']).toBeDefined();
    expect(doc.paths['/api/admin/cars/{id}'].patch.parameters).toContainEqual({
      $ref: '#/components/parameters/IfMatch',
    });
    expect(doc.paths['/api/leads'].post.responses['429'].headers['Retry-After']).toBeDefined();
    expect(doc.paths['/health'].get.responses['200'].headers['RateLimit-Limit']).toBeUndefined();
  });

  test('every $ref resolves inside the document', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"#\/[^"]+"/g) ?? [];
    for (const r of new Set(refs)) {
      const pointer = r.slice(10, -1).split('/');
      let node: any = doc;
      for (const key of pointer) node = node?.[key.replaceAll('~1', '/').replaceAll('~0', '~')];
      expect({ ref: r, found: node !== undefined }).toEqual({ ref: r, found: true });
    }
  });

  test('the document is built once and then served from memory', async () => {
    const again = await json(await t.request('localhost', '/openapi.json'));
    expect(again).toEqual(doc);
  });
});
