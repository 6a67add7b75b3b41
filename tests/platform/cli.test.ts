import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { auditLogs, jobs, tenants } from '../../drizzle/schema';
import { runPlatformCli } from '../../src/cli/platform';
import { json, type TestApp } from '../helpers/app';
import { createPlatformApp, seedTemplates } from './helpers';

describe('platform CLI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createPlatformApp();
    await seedTemplates(t);
  });
  afterAll(() => t.close());

  async function cli(argv: string[], secret = '') {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runPlatformCli(argv, t.deps, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      readSecret: async () => secret,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  test('tenants:create provisions inline with progress; the job is recorded as succeeded', async () => {
    const run = await cli(
      [
        'tenants:create',
        '--name',
        'Sinar Jaya Motor',
        '--slug',
        'sinar-jaya',
        '--owner-email',
        'owner@sinarjaya.id',
        '--domain',
        'sinarjaya.id',
        '--business-type',
        'used_car_dealer',
        '--brand',
        'Daihatsu',
      ],
      'password-from-stdin',
    );
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toContain('100%  Tenant is live');
    expect(run.out).toContain('sinar-jaya.localhost, sinarjaya.id');

    const res = await t.request('sinarjaya.id', '/api/tenant');
    expect(res.status).toBe(200);
    expect((await json(res)).data.name).toBe('Sinar Jaya Motor');

    const [tenant] = await t.db.select().from(tenants).where(eq(tenants.slug, 'sinar-jaya'));
    const [job] = await t.db.select().from(jobs).where(eq(jobs.tenantId, tenant!.id));
    expect(job).toMatchObject({ status: 'succeeded', progress: 100, attempts: 1, lockedBy: null });
    const [created] = await t.db.select().from(auditLogs).where(eq(auditLogs.action, 'tenant.create'));
    expect(created!.metadata).toMatchObject({ via: 'cli' });
    expect(created!.userAgent).toBe('showroom-cli');
  });

  test('the same validation and conflicts as the HTTP API, as a non-zero exit', async () => {
    const bad = await cli(['tenants:create', '--name', 'X', '--slug', 'admin', '--owner-email', 'x'], 'short');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('validation_failed');
    expect(bad.err).toContain('slug: is reserved');
    expect(bad.err).toContain('owner.password');

    const dup = await cli([
      'tenants:create',
      '--name',
      'Y',
      '--slug',
      'sinar-jaya',
      '--owner-email',
      'y@y.id',
      '--owner-password',
      'long-enough-pass',
    ]);
    expect(dup.code).toBe(1);
    expect(dup.err).toContain('conflict');
  });

  test('list, suspend and activate by slug', async () => {
    const list = await cli(['tenants:list']);
    expect(list.out).toMatch(/sinar-jaya\s+trial\s+live/);

    const suspend = await cli(['tenants:suspend', 'sinar-jaya']);
    expect(suspend.code).toBe(0);
    expect(JSON.parse(suspend.out).status).toBe('suspended');
    expect((await t.request('sinar-jaya.localhost', '/api/tenant')).status).toBe(403);

    const activate = await cli(['tenants:activate', 'sinar-jaya']);
    expect(JSON.parse(activate.out).status).toBe('active');
    expect((await t.request('sinar-jaya.localhost', '/api/tenant')).status).toBe(200);

    expect((await cli(['tenants:suspend', 'nobody'])).err).toContain('not_found');
  });

  test('usage and unknown commands', async () => {
    expect((await cli([])).code).toBe(2);
    const unknown = await cli(['tenants:explode']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown command');
  });
});
