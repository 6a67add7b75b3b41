// The real app over a fresh test database: `const t = await createTestApp()` then
// `t.request('acme.localhost', '/api/cars')`. Fixtures create tenants, users and tokens directly.
import { uuidv7 } from 'uuidv7';
import { type Tenant, tenantDomains, tenants, type User, type UserRole, users } from '../../drizzle/schema';
import { createApp } from '../../src/app';
import { hashPassword } from '../../src/auth/password';
import { createDeps, type DepsOverrides } from '../../src/bootstrap';
import { parseEnv } from '../../src/env';
import type { Deps } from '../../src/lib/deps';
import { createTestDatabase, type TestDatabase } from './db';

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/**
 * Requests from app.request() all come from one unknown IP, so production limits (5 inquiries an hour)
 * would trip ordinary tests. The limiter still runs, with room to spare; tests/rate-limit sets real rules.
 */
export const GENEROUS_RATE_LIMITS = ['public', 'inquiries', 'login', 'admin', 'webhooks']
  .map((group) => `${group}:1000000/60s`)
  .join(',');

export async function createTestApp(
  options: { env?: Record<string, string>; overrides?: Omit<DepsOverrides, 'database'>; database?: TestDatabase } = {},
) {
  const database = options.database ?? (await createTestDatabase());
  const env = parseEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_OVERRIDES: GENEROUS_RATE_LIMITS,
    ...options.env,
  });
  const deps = await createDeps(env, { ...options.overrides, database, skipMigrations: true });
  const app = createApp(deps);

  function request(host: string, path: string, init: RequestInit & { json?: unknown; token?: string } = {}) {
    const headers = new Headers(init.headers);
    headers.set('host', host);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    return app.request(`http://${host}${path}`, { ...init, headers, body });
  }

  return {
    app,
    deps,
    db: deps.db,
    database,
    request,
    close: () => database.close(),
  };
}

let counter = 0;

export async function createTenant(
  deps: Deps,
  values: Partial<typeof tenants.$inferInsert> & { domains?: string[] } = {},
): Promise<Tenant> {
  const slug = values.slug ?? `t${Date.now().toString(36)}${(counter++).toString(36)}`;
  const { domains, ...rest } = values;
  const [tenant] = await deps.db
    .insert(tenants)
    .values({ name: `Tenant ${slug}`, status: 'active', ...rest, slug })
    .returning();
  for (const domain of domains ?? []) await deps.db.insert(tenantDomains).values({ tenantId: tenant!.id, domain });
  return tenant!;
}

const hashCache = new Map<string, string>();

export const TEST_PASSWORD = 'correct-horse-battery-staple';

export async function createUser(
  deps: Deps,
  tenantId: string,
  values: {
    role?: UserRole;
    email?: string;
    password?: string;
    name?: string;
    status?: 'active' | 'disabled';
  } = {},
): Promise<User & { password: string }> {
  const password = values.password ?? TEST_PASSWORD;
  let passwordHash = hashCache.get(password);
  if (!passwordHash) {
    passwordHash = await hashPassword(password);
    hashCache.set(password, passwordHash);
  }
  const [user] = await deps.db
    .insert(users)
    .values({
      id: uuidv7(),
      tenantId,
      email: values.email ?? `user${counter++}@example.test`,
      name: values.name ?? 'Test User',
      role: values.role ?? 'owner',
      status: values.status ?? 'active',
      passwordHash,
    })
    .returning();
  return { ...user!, password };
}

export async function tokenFor(deps: Deps, user: Pick<User, 'id' | 'tenantId' | 'role' | 'email'>): Promise<string> {
  const { token } = await deps.tokens.signAccess({
    sub: user.id,
    tid: user.tenantId,
    role: user.role,
    email: user.email,
  });
  return token;
}

export async function json<T = any>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
