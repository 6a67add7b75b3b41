// Platform test helpers: an app with platform keys, seeded integration templates, and running the
// tenant.provision task directly (the worker loop is tested elsewhere) with progress recorded.
import { eq } from 'drizzle-orm';
import { integrationTemplates, jobs } from '../../drizzle/schema';
import { integrationTemplateSeeds } from '../../src/integrations/templates';
import { createTenantProvisionTask, type TenantProvisionOptions } from '../../src/jobs/tasks/tenant-provision';
import { createLogger } from '../../src/lib/logger';
import { createTestApp, type TestApp } from '../helpers/app';

export const KEY_A = 'platform-key-a-0123456789abcdef0123456789';
export const KEY_B = 'platform-key-b-fedcba9876543210fedcba9876';
export const PLATFORM_HOST = 'ops.example.net';

export function createPlatformApp(options: Parameters<typeof createTestApp>[0] = {}) {
  return createTestApp({ ...options, env: { PLATFORM_API_KEYS: `${KEY_A},${KEY_B}`, ...options.env } });
}

/** A platform request: any host works; the key defaults to the first configured one. */
export function platform(
  t: TestApp,
  method: string,
  path: string,
  init: { json?: unknown; key?: string | null; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key !== null) headers.authorization = `Bearer ${init.key ?? KEY_A}`;
  return t.request(PLATFORM_HOST, path, {
    method,
    headers,
    ...(init.json !== undefined ? { json: init.json } : {}),
  });
}

/** The real template definitions, as the integrations module seeds them. */
export async function seedTemplates(t: TestApp) {
  for (const seed of integrationTemplateSeeds) {
    await t.db.insert(integrationTemplates).values(seed).onConflictDoNothing();
  }
}

export type ProgressEvent = { percent: number; message: string | undefined };

/** Runs tenant.provision for a queued job as the worker would, recording progress into the job row too. */
export async function runProvision(t: TestApp, jobId: string, options: TenantProvisionOptions = {}) {
  const task = createTenantProvisionTask(options);
  const [job] = await t.db.select().from(jobs).where(eq(jobs.id, jobId));
  if (!job) throw new Error(`job ${jobId} not found`);
  const events: ProgressEvent[] = [];
  const result = await task.run(task.payload.parse(job.payload), {
    deps: t.deps,
    job,
    log: createLogger('silent'),
    signal: new AbortController().signal,
    finalAttempt: false,
    async progress(percent, message) {
      events.push({ percent, message });
      await t.db
        .update(jobs)
        .set({ progress: percent, progressMessage: message ?? null })
        .where(eq(jobs.id, jobId));
    },
  });
  return { result, events };
}

let n = 0;

export function tenantBody(overrides: Record<string, unknown> = {}) {
  n++;
  return {
    name: `Maju Motor ${n}`,
    slug: `maju-${n}-${Math.random().toString(36).slice(2, 7)}`,
    owner: { email: `owner${n}@maju.test`, name: 'Budi Santoso', password: 'a-long-owner-password' },
    ...overrides,
  };
}
