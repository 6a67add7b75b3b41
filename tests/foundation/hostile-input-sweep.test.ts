// "Bad input never hurts", proved on every operation /openapi.json lists: junk path parameters, hostile query
// strings and headers, JSON bodies of the wrong shape, type and size, non-JSON and wrong content types. Every
// answer must be < 500, carry a safe x-request-id, use CONTRACT §1's error shape when it is an error, and show
// no stack trace or SQL. Requests are signed as the route needs (owner token, platform key, webhook token or
// HMAC) so hostile values get past authentication and reach validation, handlers and the database.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { cars } from '../../drizzle/schema';
import { createTenant, createTestApp, createUser, json, tokenFor } from '../helpers/app';
import { seedConnectedIntegration, seedIntegration } from '../integrations-api/support';
import { KEY_A, PLATFORM_HOST } from '../platform/helpers';

const HOME_HOST = 'home.localhost';
const LOCATION = 'sweepLocation0123456';
const GHL_SECRET = 'sweep-workflow-secret-0123456789';
const NOTHING = '00000000-0000-7000-8000-000000000000';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** CONTRACT §1: every error code and the status it comes with. */
const CONTRACT_STATUS: Record<string, number> = {
  validation_failed: 400,
  malformed_json: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  invalid_signature: 401,
  refresh_token_reused: 401,
  forbidden: 403,
  tenant_suspended: 403,
  not_found: 404,
  tenant_not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  version_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  too_many_attempts: 429,
};

const LEAKS: [string, RegExp][] = [
  ['a stack frame', /\bat [^\s()]+(?: [^\s()]+)? \([^)]*:\d+(?::\d+)?\)|\bat (?:file:\/\/)?\/[\w/.@-]+:\d+/],
  ['a source location', /\.(?:ts|tsx|js|mjs):\d+/],
  ['node_modules', /node_modules/],
  ['a raw JS error', /\b(?:TypeError|RangeError|ReferenceError)\b/],
  ['SQL (select)', /\bselect\s/i],
  ['SQL (insert)', /\binsert\s/i],
  ['SQL (update … set)', /\bupdate\s+"?\w+"?\s+set\b/i],
  ['SQL (delete from)', /\bdelete\s+from\b/i],
  ['a Postgres error', /syntax error|violates|invalid input syntax|out of range for type|relation "|duplicate key/i],
  ['a drizzle error', /Failed query/i],
];

// ---- the app, its document and the operations in it (needed to register one test per operation) ----

const t = await createTestApp({ env: { PLATFORM_API_KEYS: KEY_A } });
const doc: any = await json(await t.request('localhost', '/openapi.json'));

type Area = 'admin' | 'platform' | 'public' | 'fonnte' | 'ghl' | 'ops';
type Operation = { method: string; template: string; op: any; area: Area; schema?: any; sse: boolean };

const operations: Operation[] = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(
  ([template, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({
      method: m.toUpperCase(),
      template,
      op: item[m],
      area: areaOf(template),
      schema: item[m].requestBody?.content?.['application/json']?.schema,
      sse: template.endsWith('/events'),
    })),
);

function areaOf(path: string): Area {
  if (path.startsWith('/api/admin/')) return 'admin';
  if (path.startsWith('/api/platform/')) return 'platform';
  if (path === '/webhook/fonnte') return 'fonnte';
  if (path === '/webhook/ghl') return 'ghl';
  if (path.startsWith('/api/')) return 'public';
  return 'ops';
}

// ---- fixtures: a tenant with an owner, real objects for :id routes, webhook credentials ----

const fx = {
  ownerToken: '',
  fonnteToken: '',
  /** Authorization headers that must be refused (401) wherever a credential is required. */
  badAuth: { admin: [] as [string, string][], platform: [] as [string, string][] },
  salesId: '',
  /** The car's current version: PATCH needs it, and each accepted PATCH bumps it (refreshed before each). */
  carVersion: 1,
  carId: '',
  /** The fixture objects behind each :id route prefix. */
  realIds: {} as Record<string, string>,
  /** Integration templates as the API serves them: their configSchema documents each config field. */
  templates: [] as { name: string; configSchema: JsonSchema }[],
};

beforeAll(async () => {
  const home = await createTenant(t.deps, { slug: 'home' });
  const victim = await createTenant(t.deps, { slug: 'victim' });
  const owner = await createUser(t.deps, home.id, { role: 'owner' });
  const sales = await createUser(t.deps, home.id, { role: 'sales' });
  fx.ownerToken = await tokenFor(t.deps, owner);
  fx.badAuth = await hostileCredentials(home.id, owner.id);
  const fonnte = await seedIntegration(t.deps, home, 'fonnte', {
    deviceToken: 'fonnte-device-token',
    deviceNumber: '6281200000000',
  });
  fx.fonnteToken = new URL(fonnte.webhookUrl!).searchParams.get('token')!;
  await seedConnectedIntegration(t.deps, home, 'gohighlevel', {
    apiKey: 'pit-0123456789abcdef',
    locationId: LOCATION,
    webhookSecret: GHL_SECRET,
  });
  const openai = await seedIntegration(t.deps, home, 'openai', { apiKey: 'sk-sweep-0123456789abcdef' });

  const admin = (method: string, path: string, body: unknown) =>
    t.request(HOME_HOST, path, { method, token: fx.ownerToken, json: body });
  const created = async (res: Response, what: string) => {
    const body = await json(res);
    if (res.status >= 300) throw new Error(`fixture ${what}: ${res.status} ${JSON.stringify(body)}`);
    return body.data;
  };
  const car = await created(
    await admin('POST', '/api/admin/cars', {
      brand: 'Toyota',
      model: 'Avanza',
      year: 2019,
      price: 185_000_000,
      transmission: 'manual',
      fuel: 'petrol',
      status: 'available',
    }),
    'car',
  );
  const lead = await created(
    await t.request(HOME_HOST, '/api/leads', {
      method: 'POST',
      json: { name: 'Budi', phone: '081234567890', message: 'Masih ada?' },
    }),
    'lead',
  );
  await admin('POST', `/api/admin/leads/${lead.id}/messages`, { body: 'Halo', channel: 'whatsapp' });
  const jobs = await json(await t.request(HOME_HOST, '/api/admin/jobs?limit=1', { token: fx.ownerToken }));
  const template = await created(
    await t.request(PLATFORM_HOST, '/api/platform/integration-templates', {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY_A}` },
      json: {
        name: 'sweep_fixture',
        displayName: 'Sweep fixture',
        category: 'crm',
        configSchema: { type: 'object', properties: { a: { type: 'string' } } },
      },
    }),
    'integration template',
  );
  fx.templates = (
    await json(await t.request(HOME_HOST, '/api/admin/integration-templates?limit=100', { token: fx.ownerToken }))
  ).data;
  fx.salesId = sales.id;
  fx.carId = car.id;
  fx.carVersion = car.version;
  fx.realIds = {
    '/api/admin/users/{id}': sales.id,
    '/api/admin/cars/{id}': car.id,
    '/api/cars/{slug}': car.slug,
    '/api/admin/leads/{id}': lead.id,
    '/api/admin/jobs/{id}': jobs.data?.[0]?.id ?? NOTHING,
    '/api/admin/integrations/{id}': openai.id,
    '/api/platform/tenants/{id}': victim.id,
    '/api/platform/integration-templates/{id}': template.id,
  };
}, 60_000);

afterAll(() => t.close());

/** Forged, malformed and oversized credentials; the signed ones carry claims no real token has. */
async function hostileCredentials(tenantId: string, userId: string) {
  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  const { kid, secret } = t.deps.env.jwtKeys[0]!;
  const signed = (claims: Record<string, unknown>, sub: string) =>
    new SignJWT({ tid: tenantId, role: 'owner', email: 'x@example.test', ...claims })
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'access+jwt' })
      .setSubject(sub)
      .setIssuer(t.deps.env.JWT_ISSUER)
      .setAudience(t.deps.env.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));
  const admin: [string, string][] = [
    ['a 10 kB bearer token', `Bearer ${'x'.repeat(10_000)}`],
    [
      'a JWT whose header and claims are objects and 1e309',
      `Bearer ${b64('{"alg":"HS256","kid":{"$ne":1},"typ":"access+jwt"}')}.${b64('{"sub":{"a":1},"exp":1e309}')}.c2ln`,
    ],
    ['a JWT whose header is not JSON', `Bearer ${b64('not json')}.e30.c2ln`],
    ['Basic credentials', `Basic ${b64('owner@example.test:password')}`],
    ['Bearer without a token', 'Bearer'],
    ['a signed token whose sub is not a uuid', `Bearer ${await signed({}, 'not-a-uuid')}`],
    ['a signed token for a user that does not exist', `Bearer ${await signed({}, NOTHING)}`],
    ['a signed token whose tid is not a uuid', `Bearer ${await signed({ tid: 'not-a-uuid' }, userId)}`],
    ['a signed token whose role is root', `Bearer ${await signed({ role: 'root' }, userId)}`],
  ];
  const platform: [string, string][] = [
    ['the platform key plus a character', `Bearer ${KEY_A}x`],
    ['the platform key less a character', `Bearer ${KEY_A.slice(0, -1)}`],
    ['the platform key upper-cased', `Bearer ${KEY_A.toUpperCase()}`],
    ['a 10 kB key', `Bearer ${'k'.repeat(10_000)}`],
    ['the platform key as Basic', `Basic ${KEY_A}`],
  ];
  return { admin, platform };
}

// ---- building hostile requests ----

/** A JSON value spliced into the body text verbatim (numbers JSON.stringify cannot write). */
class Raw {
  constructor(readonly text: string) {}
}

function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v) => (v instanceof Raw ? `@@raw${raws.push(v.text) - 1}@@` : v));
  return text.replace(/"@@raw(\d+)@@"/g, (_m, i: string) => raws[Number(i)]!);
}

const nest = (depth: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
  return v;
};

/** What a value is worth describing in a failure message (10 kB strings are not pasted whole). */
const clip = (s: string, max = 160) => (s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s);

type JsonSchema = Record<string, any>;

function typesOf(schema: JsonSchema = {}): Set<string> {
  const out = new Set<string>();
  const add = (s: JsonSchema) => {
    if (s.anyOf || s.oneOf) for (const b of s.anyOf ?? s.oneOf) add(b);
    else if (s.type) for (const ty of [s.type].flat()) out.add(ty === 'integer' ? 'number' : ty);
    else if ('const' in s) out.add(s.const === null ? 'null' : typeof s.const);
  };
  add(schema);
  return out;
}

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** A value of a type the schema does not allow. */
function wrongType(schema: JsonSchema): unknown {
  const allowed = typesOf(schema);
  return [12345, 'not-the-right-type', true, ['x'], { x: 1 }].find((v) => !allowed.has(jsonType(v))) ?? null;
}

/** A plausible valid value (required fields only), so one hostile field is the only thing wrong. */
function sample(schema: JsonSchema = {}, name = ''): unknown {
  if (schema.anyOf) return sample(schema.anyOf.find((b: JsonSchema) => b.type !== 'null') ?? schema.anyOf[0], name);
  if ('const' in schema) return schema.const;
  if (schema.enum) return schema.enum[0];
  switch ([schema.type].flat()[0]) {
    case 'string': {
      if (schema.format === 'email') return `sweep${Math.random().toString(36).slice(2, 8)}@example.test`;
      if (schema.format === 'uuid') return NOTHING;
      if (schema.format === 'uri') return 'https://example.test/a.jpg';
      const patterns = [schema.pattern, ...(schema.allOf ?? []).map((a: JsonSchema) => a.pattern)].filter(Boolean);
      const candidates = [`abc-${Math.random().toString(36).slice(2, 7)}`, 'abc', 'ABC', 'a1', '6281200000000'];
      return candidates.find((c) => patterns.every((p: string) => new RegExp(p, 'u').test(c))) ?? 'abc';
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return true;
    case 'array':
      return schema.minItems ? [sample(schema.items, name)] : [];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sample(schema.properties?.[key], key);
      return out;
    }
    default:
      return 'abc';
  }
}

let seq = 0;

/** Valid-looking bodies where the generic sample cannot be (unique names, real phone numbers, webhooks). */
function baseline(o: Operation): Record<string, unknown> | undefined {
  const n = ++seq;
  const key = `${o.method} ${o.template}`;
  if (o.area === 'fonnte')
    return {
      device: '6281200000000',
      sender: '6281234567890',
      message: 'Halo',
      name: 'Budi',
      inboxid: `sweep-${n}`,
      timestamp: 1767225600,
    };
  if (o.area === 'ghl')
    return {
      type: 'ContactCreate',
      locationId: LOCATION,
      id: `contact_${n}`,
      firstName: 'Siti',
      email: 'siti@example.com',
      phone: '081255556666',
      tags: ['sweep'],
      webhookId: `wh_${n}`,
      timestamp: new Date().toISOString(),
    };
  if (!o.schema) return undefined;
  const body = sample(o.schema) as Record<string, unknown>;
  if (key === 'POST /api/platform/tenants')
    Object.assign(body, {
      slug: `sweep-${n}`,
      owner: { email: `owner${n}@sweep.test`, name: 'Budi Santoso', password: 'a-long-owner-password-9281' },
    });
  if (key === 'POST /api/platform/integration-templates') Object.assign(body, { name: `sweep_${n}` });
  if (key === 'POST /api/admin/users') Object.assign(body, { role: 'sales', password: 'a-long-staff-password-9281' });
  if (key === 'POST /api/leads') Object.assign(body, { phone: '081234567890' });
  if (key === 'POST /api/admin/integrations')
    Object.assign(body, { template: 'openai', name: `OpenAI ${n}`, config: { apiKey: 'sk-sweep-0123456789abcdef' } });
  if (key === 'PUT /api/admin/leads/{id}/assign') Object.assign(body, { userId: fx.salesId });
  if (key === 'PATCH /api/admin/cars/{id}') Object.assign(body, { version: fx.carVersion });
  return body;
}

/** The documented fields of a body (webhooks document none: their fields come from the contract). */
function fieldSchemas(o: Operation): Record<string, JsonSchema> {
  if (o.schema?.properties) return o.schema.properties;
  const base = baseline(o) ?? {};
  return Object.fromEntries(Object.entries(base).map(([k, v]) => [k, { type: jsonType(v) }]));
}

const VALUES: [string, (s: JsonSchema) => unknown][] = [
  ['the wrong type', (s) => wrongType(s)],
  ['a 100 000-char string', () => 'x'.repeat(100_000)],
  ['20 levels of nesting', () => nest(20)],
  ['40 levels of nesting', () => nest(40)],
  ['a NUL byte', () => 'a\u0000b'],
  ['unicode (emoji, RTL override, combining)', () => 'Mötör 🚗 \u202Egnp.exe\u0301 ﷽'],
  ['a lone surrogate', () => 'a\ud800b'],
  ['1e309', () => new Raw('1e309')],
  ['-0', () => new Raw('-0')],
  ['9007199254740993', () => new Raw('9007199254740993')],
  ['2147483648', () => 2147483648],
  ['1e20', () => new Raw('100000000000000000000')],
  ['-1', () => -1],
  ['0.5', () => 0.5],
  ['an empty string', () => ''],
  ['an object', () => ({ $gt: '' })],
  ['an array', () => ['x', 1]],
  ['null', () => null],
];
/** Nested fields get a shorter list: the one-level sweep already covers every value kind. */
const URL_VALUES: [string, () => unknown][] = [
  ['a link-local metadata URL', () => 'http://169.254.169.254/latest/meta-data/'],
  ['a file URL', () => 'file:///etc/passwd'],
  ['a URL with credentials and port 99999', () => 'http://user:pass@example.test:99999/'],
  ['an IPv6 loopback URL', () => 'http://[::1]:5432/'],
];
const NESTED_VALUES = VALUES.filter(([label]) =>
  [
    'the wrong type',
    'a 100 000-char string',
    '40 levels of nesting',
    'a NUL byte',
    '1e309',
    '9007199254740993',
  ].includes(label),
);

type Case = {
  label: string;
  path: string;
  headers?: Record<string, string>;
  /** A JSON value (Raw allowed inside), raw text, or bytes. */
  body?: { json: unknown } | { text: string } | { bytes: Uint8Array };
  /** Content-Type to send with the body; null sends none. Defaults to application/json. */
  type?: string | null;
  /** GoHighLevel: sign the exact bytes with the workflow secret (default true). */
  sign?: boolean;
  /** The status the contract fixes for this input (e.g. 401 for a forged credential). */
  expect?: number;
};

/** The fixture for a route's :id, found by the route's prefix (`/api/admin/leads/{id}/status` → the lead). */
const realId = (template: string) => fx.realIds[template.slice(0, template.indexOf('}') + 1)];

function fill(o: Operation, values: Record<string, string> = {}): string {
  const real = !o.sse && (o.method === 'GET' || Boolean(o.schema));
  return o.template.replace(
    /\{(\w+)\}/g,
    (_m, name: string) => values[name] ?? (real ? realId(o.template) : undefined) ?? NOTHING,
  );
}

const baseQuery = (o: Operation) => (o.area === 'fonnte' ? `token=${fx.fonnteToken}` : '');
const withQuery = (path: string, ...parts: string[]) => {
  const q = parts.filter(Boolean).join('&');
  return q ? `${path}?${q}` : path;
};

const PATH_JUNK: [string, string][] = [
  ['not-a-uuid', 'not-a-uuid'],
  ['a uuid of nothing', NOTHING],
  ['the nil uuid', '00000000-0000-0000-0000-000000000000'],
  ['the max uuid', 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
  ['a random v4 uuid', '3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f'],
  ['an upper-case uuid with junk after it', `${NOTHING.toUpperCase()}x`],
  ['a 10 kB string', 'a'.repeat(10_000)],
  ['%00', '%00'],
  ['a%00b', 'a%00b'],
  ['..%2F..%2Fetc%2Fpasswd', '..%2F..%2Fetc%2Fpasswd'],
  ['%2e%2e', '%2e%2e'],
  ['unicode', encodeURIComponent('mötör-🚗-\u202E')],
  ['invalid percent-encoding', '%E0%A4%A'],
  ['a lone %', '100%'],
  ['-1', '-1'],
  ['0', '0'],
  ['1e309', '1e309'],
  ['9007199254740993', '9007199254740993'],
  ['SQL', encodeURIComponent("1' OR '1'='1; drop table cars;--")],
  ['a space', '%20'],
];

function queryValues(schema: JsonSchema): [string, string][] {
  const wrong =
    schema.type === 'integer' || schema.type === 'number' || schema.pattern === '^\\d*$'
      ? 'abc'
      : schema.enum
        ? 'bogus'
        : schema.format === 'uuid'
          ? 'not-a-uuid'
          : schema.format?.startsWith('date')
            ? 'not-a-date'
            : '%7B%7D';
  return [
    ['the wrong type', wrong],
    ['empty', ''],
    ['-1', '-1'],
    ['-0', '-0'],
    ['1e309', '1e309'],
    ['a 400-digit number', '9'.repeat(400)],
    ['9007199254740993', '9007199254740993'],
    ['0x10', '0x10'],
    ['a NUL byte', 'a%00b'],
    ['a 10 kB string', 'x'.repeat(10_000)],
    ['unicode', '%F0%9F%9A%97%E2%80%AE'],
    ['invalid percent-encoding', '%E0%A4%A'],
    ['a date past JS Date', '%2B275760-09-13T00%3A00%3A00.001Z'],
    ['an impossible date', '2024-02-30T25%3A61%3A00Z'],
    ['year 0000', '0000-01-01'],
    ['year 0000 at +14:00', '0000-01-01T00%3A00%3A00%2B14%3A00'],
    ['9999-12-31', '9999-12-31'],
    ['year 9999 at -23:59', '9999-12-31T23%3A59%3A59.999-23%3A59'],
    ['the earliest JS date', '-271821-04-20T00%3A00%3A00Z'],
    ['tsquery and LIKE operators', encodeURIComponent("a' & | ! ( ) :* <-> \\ % _")],
    ['a catastrophic regex', encodeURIComponent('(a+)+$[')],
  ];
}

const GENERIC_QUERIES: [string, string][] = [
  ['unknown keys', 'foo=bar&__proto__=x&constructor[prototype][polluted]=1'],
  ['page/limit junk', 'page=-1&limit=1e309'],
  ['page/limit huge', `page=${'9'.repeat(30)}&limit=${'9'.repeat(30)}`],
  ['repeated page', 'page=1&page=2&limit=1&limit=500'],
  ['array page', 'page[]=1&page[]=2&limit[a]=1'],
  ['NUL keys and values', '%00=%00&q=%00'],
  ['invalid percent-encoding', 'q=%E0%A4%A&%ZZ=1'],
  ['a 10 kB query', `q=${'x'.repeat(10_000)}`],
];

const RAW_BODIES: [string, Case['body']][] = [
  ['truncated JSON', { text: '{"broken": ' }],
  ['not JSON at all', { text: 'not json' }],
  ['single-quoted JSON', { text: "{'a': 1}" }],
  ['trailing garbage', { text: '{"a":1} trailing' }],
  ['a BOM before JSON', { text: '\uFEFF{}' }],
  ['NaN', { text: '{"a": NaN}' }],
  ['a leading-zero number', { text: '{"a": 01}' }],
  ['a bare 1e309', { text: '1e309' }],
  ['an escaped NUL', { text: '{"a":"\\u0000"}' }],
  ['a NUL byte', { text: '\u0000' }],
  ['invalid UTF-8', { bytes: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }],
  ['duplicate keys', { text: '{"a":1,"a":{"b":2}}' }],
  ['2 MiB', { text: `{"a":"${'x'.repeat(2 * 1024 * 1024)}"}` }],
  ['an array', { json: [] }],
  ['an array of objects', { json: [{ a: 1 }, { b: 2 }] }],
  ['a number', { json: 0 }],
  ['a string', { json: 'string' }],
  ['null', { json: null }],
  ['true', { json: true }],
];

const CONTENT_TYPES: [string, string | null, (o: Operation) => Case['body']][] = [
  ['text/plain', 'text/plain', (o) => ({ text: toJson(baseline(o) ?? {}) })],
  ['application/xml', 'application/xml', () => ({ text: '<a><b>1</b></a>' })],
  [
    'multipart/form-data',
    'multipart/form-data; boundary=xx',
    () => ({ text: '--xx\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xx--\r\n' }),
  ],
  ['form-encoded with a NUL', 'application/x-www-form-urlencoded', () => ({ text: 'a=1&b=%00&c[d]=e' })],
  ['no content type', null, (o) => ({ bytes: new TextEncoder().encode(toJson(baseline(o) ?? {})) })],
  ['application/jsonp', 'application/jsonp', (o) => ({ text: toJson(baseline(o) ?? {}) })],
  ['JSON as charset=utf-16', 'application/json; charset=utf-16', (o) => ({ text: toJson(baseline(o) ?? {}) })],
];

function setAt(target: Record<string, unknown>, path: (string | number)[], value: unknown) {
  let node: any = target;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path.at(-1)!] = value;
}

/** Cases are generated one at a time, so a baseline built just before its request sees current fixtures. */
function* bodyCases(o: Operation, path: string): Generator<Case> {
  const hasBodyContract = Boolean(o.schema) || o.area === 'fonnte' || o.area === 'ghl';
  for (const [label, body] of RAW_BODIES) yield { label: `body: ${label}`, path, body };
  for (const [label, type, body] of CONTENT_TYPES) yield { label: `content type: ${label}`, path, type, body: body(o) };
  if (!hasBodyContract) return;

  const fields = fieldSchemas(o);
  const allWrong = { ...baseline(o) };
  for (const [name, schema] of Object.entries(fields)) allWrong[name] = wrongType(schema);
  yield { label: 'body: every field the wrong type', path, body: { json: allWrong } };
  const extras = toJson(baseline(o)).replace(
    /}$/,
    ',"unknownField":1,"__proto__":{"isAdmin":true,"polluted":1},"constructor":{"prototype":{"polluted":1}}}',
  );
  yield { label: 'body: unknown fields, __proto__ and constructor', path, body: { text: extras } };
  if (o.area === 'ghl') {
    yield { label: 'body: unsigned', path, sign: false, body: { json: baseline(o) } };
    yield {
      label: 'body: a 10 kB signature',
      path,
      sign: false,
      headers: { 'x-webhook-signature': 'f'.repeat(10_000) },
      body: { json: baseline(o) },
    };
  }

  for (const [name, schema] of Object.entries(fields)) {
    for (const [label, make] of VALUES) {
      const body = baseline(o)!;
      body[name] = make(schema);
      yield { label: `body.${name} = ${label}`, path, body: { json: body } };
    }
    // One level down: documented sub-fields, the first item of an array of objects, an extra map key.
    const targets: [(string | number)[], JsonSchema, (b: Record<string, unknown>) => void][] = [];
    if (schema.type === 'object' && schema.properties)
      for (const [sub, subSchema] of Object.entries<JsonSchema>(schema.properties))
        targets.push([
          [name, sub],
          subSchema,
          (b) => {
            b[name] ??= sample(schema, name);
          },
        ]);
    if (schema.type === 'array' && schema.items?.properties)
      for (const [sub, subSchema] of Object.entries<JsonSchema>(schema.items.properties))
        targets.push([
          [name, 0, sub],
          subSchema,
          (b) => {
            b[name] = [sample(schema.items, name)];
          },
        ]);
    if (schema.type === 'object' && schema.additionalProperties)
      targets.push([
        [name, 'extraKey'],
        schema.additionalProperties === true ? {} : schema.additionalProperties,
        (b) => {
          b[name] = { ...(b[name] as object) };
        },
      ]);
    for (const [at, subSchema, prepare] of targets)
      for (const [label, make] of NESTED_VALUES) {
        const body = baseline(o)!;
        prepare(body);
        setAt(body, at, make(subSchema));
        yield { label: `body.${at.join('.')} = ${label}`, path, body: { json: body } };
      }
  }

  // An integration's config is checked against its template's configSchema: sweep those fields too.
  if (o.template.startsWith('/api/admin/integrations'))
    for (const template of fx.templates) {
      if (o.method === 'PATCH' && template.name !== 'openai') continue; // the PATCH fixture is an OpenAI one
      for (const [field, schema] of Object.entries<JsonSchema>(template.configSchema.properties ?? {}))
        for (const [label, make] of [...NESTED_VALUES, ...URL_VALUES]) {
          const body = baseline(o)!;
          const config = o.method === 'POST' ? (sample(template.configSchema) as object) : {};
          if (o.method === 'POST') body.template = template.name;
          body.config = { ...config, [field]: make(schema) };
          yield { label: `body.config.${field} (${template.name}) = ${label}`, path, body: { json: body } };
        }
    }
}

function* casesFor(o: Operation): Generator<Case> {
  const base = () => (baseline(o) !== undefined ? { body: { json: baseline(o) } } : {});
  const path = fill(o);
  const params = (o.op.parameters ?? []).map((p: any) =>
    p.$ref ? doc.components.parameters[p.$ref.split('/').pop()] : p,
  );

  for (const p of params.filter((x: any) => x.in === 'path'))
    for (const [label, value] of PATH_JUNK)
      yield {
        label: `path ${p.name} = ${label}`,
        path: withQuery(fill(o, { [p.name]: value }), baseQuery(o)),
        ...base(),
      };

  for (const p of params.filter((x: any) => x.in === 'query'))
    for (const [label, value] of [...queryValues(p.schema ?? {}), ['repeated', `1&${p.name}=2`]] as [
      string,
      string,
    ][]) {
      const others = p.name === 'token' ? '' : baseQuery(o);
      yield {
        label: `query ${p.name} = ${label}`,
        path: withQuery(path, others, `${p.name}=${value}`),
        ...base(),
      };
    }
  for (const p of params.filter((x: any) => x.in === 'query'))
    yield {
      label: `query ${p.name} as an array`,
      path: withQuery(path, baseQuery(o), `${p.name}[]=1&${p.name}[]=2`),
      ...base(),
    };
  for (const [label, query] of GENERIC_QUERIES)
    yield { label: `query: ${label}`, path: withQuery(path, baseQuery(o), query), ...base() };

  for (const p of params.filter((x: any) => x.in === 'header'))
    for (const value of ['*', 'W/"x"', '"-1"', '"1e309"', `"${'9'.repeat(400)}"`, 'x'.repeat(10_000), '"1", W/"2", *'])
      yield {
        label: `header ${p.name}: ${clip(value, 40)}`,
        path: withQuery(path, baseQuery(o)),
        headers: { [p.name]: value },
        ...base(),
      };
  for (const value of ['x'.repeat(10_000), '<script>alert(1)</script>', '../../etc/passwd'])
    yield {
      label: `header x-request-id: ${clip(value, 40)}`,
      path: withQuery(path, baseQuery(o)),
      headers: { 'x-request-id': value },
      ...base(),
    };

  const guarded = o.area === 'platform' || (o.area === 'admin' && !/\/auth\/(login|refresh|logout)$/.test(o.template));
  if (guarded)
    for (const [label, value] of o.area === 'admin' ? fx.badAuth.admin : fx.badAuth.platform)
      yield { label: `authorization: ${label}`, path, headers: { authorization: value }, expect: 401, ...base() };

  if (['POST', 'PUT', 'PATCH'].includes(o.method)) yield* bodyCases(o, withQuery(path, baseQuery(o)));
}

// ---- sending and judging ----

async function send(o: Operation, c: Case): Promise<Response> {
  const headers = new Headers(c.headers);
  if (!headers.has('authorization')) {
    if (o.area === 'admin') headers.set('authorization', `Bearer ${fx.ownerToken}`);
    if (o.area === 'platform') headers.set('authorization', `Bearer ${KEY_A}`);
  }
  let body: string | Uint8Array | undefined;
  if (c.body) {
    body = 'json' in c.body ? toJson(c.body.json) : 'text' in c.body ? c.body.text : c.body.bytes;
    if (c.type !== null) headers.set('content-type', c.type ?? 'application/json');
    if (o.area === 'ghl' && c.sign !== false)
      headers.set('x-webhook-signature', createHmac('sha256', GHL_SECRET).update(body).digest('hex'));
  }
  const host = o.area === 'admin' || o.area === 'public' || o.area === 'fonnte' ? HOME_HOST : PLATFORM_HOST;
  return t.request(host, c.path, { method: o.method, headers, ...(body !== undefined ? { body } : {}) });
}

function errorShapeProblems(text: string, status: number, requestId: string | null): string[] {
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return ['the error body is not JSON'];
  }
  const e = body?.error;
  if (!e || typeof e !== 'object' || Object.keys(body).length !== 1) return ['the body is not {"error":{…}}'];
  const problems: string[] = [];
  const extra = Object.keys(e).filter((k) => !['code', 'message', 'details', 'requestId'].includes(k));
  if (extra.length) problems.push(`error has undocumented keys ${extra.join(', ')}`);
  if (!(e.code in CONTRACT_STATUS))
    problems.push(`error.code ${JSON.stringify(e.code)} is not a 4xx code of the contract`);
  else if (CONTRACT_STATUS[e.code] !== status)
    problems.push(`error.code ${e.code} comes with ${CONTRACT_STATUS[e.code]}, not ${status}`);
  if (typeof e.message !== 'string' || !e.message) problems.push('error.message is not a non-empty string');
  if (e.requestId !== requestId)
    problems.push(`error.requestId ${JSON.stringify(e.requestId)} is not the x-request-id`);
  if (e.details !== undefined) {
    const ok =
      Array.isArray(e.details) &&
      e.details.every((d: any) => typeof d?.path === 'string' && typeof d?.message === 'string');
    if (!ok) problems.push('error.details is not [{path, message}]');
  }
  if (e.code === 'validation_failed' && !(Array.isArray(e.details) && e.details.length > 0))
    problems.push('validation_failed without details');
  // "(unknown)" is the error handler's last resort for input only the database refused: every input the
  // sweep sends must be caught by validation first, naming the field.
  if (Array.isArray(e.details) && e.details.some((d: any) => d?.path === '(unknown)'))
    problems.push('a detail with path (unknown): the database, not validation, refused the input');
  return problems;
}

async function judge(res: Response): Promise<{ problems: string[]; text: string }> {
  const problems: string[] = [];
  const id = res.headers.get('x-request-id');
  if (!id) problems.push('no x-request-id header');
  else if (!/^[A-Za-z0-9._:\-=]{1,128}$/.test(id)) problems.push(`x-request-id is not a safe id (${clip(id, 40)})`);
  if (res.status >= 500) problems.push(`status ${res.status}: bad input must never be a 5xx`);
  if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    await res.body?.cancel();
    return { problems, text: '(event stream)' };
  }
  const text = await res.text();
  for (const [what, pattern] of LEAKS) if (pattern.test(text)) problems.push(`body shows ${what}`);
  if (res.status >= 400) problems.push(...errorShapeProblems(text, res.status, id));
  return { problems, text };
}

let requests = 0;
/** Areas where some request was accepted: proof the sweep got past authentication, not only 401s. */
const reached = new Set<Area>();

describe('hostile input on every documented operation', () => {
  test('the document lists the operations the app serves', () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(operations.filter((o) => o.area === 'admin').length).toBeGreaterThan(20);
    expect(operations.filter((o) => o.area === 'platform').length).toBeGreaterThan(5);
  });

  for (const o of operations) {
    test(`${o.method} ${o.template}`, async () => {
      const failures: string[] = [];
      let sent = 0;
      for (const c of casesFor(o)) {
        const res = await send(o, c);
        sent++;
        if (res.status < 300) reached.add(o.area);
        // An accepted write to the car fixture bumps its version; the next PATCH baseline needs the new one.
        if (res.ok && o.method !== 'GET' && o.template.startsWith('/api/admin/cars/{id}'))
          fx.carVersion = (await t.db.select({ v: cars.version }).from(cars).where(eq(cars.id, fx.carId)))[0]!.v;
        const { problems, text } = await judge(res);
        if (c.expect !== undefined && res.status !== c.expect)
          problems.push(`status ${res.status}, the contract says ${c.expect}`);
        if (problems.length > 0)
          failures.push(
            `${o.method} ${clip(c.path, 120)} [${c.label}] → ${res.status}: ${problems.join('; ')} — body: ${clip(text, 300)}`,
          );
      }
      requests += sent;
      expect(sent).toBeGreaterThan(0);
      expect(failures).toEqual([]);
    }, 60_000);
  }

  test('nothing was polluted, and the sweep really sent its requests', () => {
    expect(({} as any).polluted).toBeUndefined();
    expect(({} as any).isAdmin).toBeUndefined();
    expect(requests).toBeGreaterThan(1000);
    expect([...reached].sort()).toEqual(['admin', 'fonnte', 'ghl', 'ops', 'platform', 'public']);
  });
});
