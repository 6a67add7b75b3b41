import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, eq } from 'drizzle-orm';
import {
  auditLogs,
  integrations,
  integrationTemplates,
  jobs,
  tenantDomains,
  tenantProvisionings,
  tenants,
  users,
} from '../../drizzle/schema';
import { verifyPassword } from '../../src/auth/password';
import { json, type TestApp } from '../helpers/app';
import { createPlatformApp, platform, runProvision, seedTemplates, tenantBody } from './helpers';

describe('tenant provisioning', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createPlatformApp();
    await seedTemplates(t);
  });
  afterAll(() => t.close());

  async function reserve(body: Record<string, unknown>) {
    const res = await platform(t, 'POST', '/api/platform/tenants', { json: body });
    expect(res.status).toBe(202);
    return (await json(res)).data as {
      tenantId: string;
      jobId: string;
      status: string;
      estimatedCompletionTime: string;
    };
  }

  test('202 with tenant id, queued job and ETA; the tenant serves nothing until provisioned', async () => {
    const body = tenantBody({ domains: ['WWW.Maju-Motor.co.id.'] });
    const res = await platform(t, 'POST', '/api/platform/tenants', { json: body });
    expect(res.status).toBe(202);
    const { data } = await json(res);
    expect(data).toEqual({
      tenantId: expect.any(String),
      jobId: expect.any(String),
      status: 'queued',
      estimatedCompletionTime: expect.any(String),
    });
    expect(Date.parse(data.estimatedCompletionTime)).toBeGreaterThan(Date.now() - 1000);
    expect(res.headers.get('location')).toBe(`/api/platform/tenants/${data.tenantId}`);

    const [job] = await t.db.select().from(jobs).where(eq(jobs.id, data.jobId));
    expect(job).toMatchObject({ type: 'tenant.provision', status: 'queued', tenantId: data.tenantId });
    expect(job!.jobKey).toBe(`tenant.provision:${data.tenantId}`);
    // Neither the password nor its hash is readable through the job.
    expect(job!.payload).toEqual({ tenantId: data.tenantId });

    for (const host of [`${body.slug}.localhost`, 'www.maju-motor.co.id']) {
      const storefront = await t.request(host, '/api/tenant');
      expect(storefront.status).toBe(404);
      expect((await json(storefront)).error.code).toBe('tenant_not_found');
    }
    const read = await json(await platform(t, 'GET', `/api/platform/tenants/${data.tenantId}`));
    expect(read.data.provisioning).toMatchObject({ state: 'provisioning', jobId: data.jobId, jobStatus: 'queued' });
  });

  test('provisioned end to end: storefront on its hosts, owner signs in, defaults, integrations, audit', async () => {
    const body = tenantBody({
      domains: ['mobil.sejahtera.id'],
      whatsappNumber: '0812-3456-7890',
      owner: { email: 'Owner@Sejahtera.ID', name: 'Siti', password: 'kuning-langsat-2026-secret' },
    });
    const { tenantId, jobId } = await reserve(body);
    const { result, events } = await runProvision(t, jobId);

    expect(events.map((e) => e.percent)).toEqual([5, 20, 40, 60, 80, 95, 100]);
    expect(events.at(-1)!.message).toBe('Tenant is live');
    expect(result).toMatchObject({
      tenantId,
      slug: body.slug,
      hosts: [`${body.slug}.localhost`, 'mobil.sejahtera.id'],
      integrations: ['fonnte', 'gohighlevel', 'openai'],
      alreadyProvisioned: false,
    });

    for (const host of [`${body.slug}.localhost`, 'mobil.sejahtera.id']) {
      const res = await t.request(host, '/api/tenant');
      expect(res.status).toBe(200);
      expect((await json(res)).data).toMatchObject({
        slug: body.slug,
        name: body.name,
        status: 'trial',
        locale: 'id-ID',
        currency: 'IDR',
        timezone: 'Asia/Jakarta',
        whatsappNumber: '+6281234567890',
      });
    }

    const [owner] = await t.db.select().from(users).where(eq(users.tenantId, tenantId));
    expect(owner).toMatchObject({ email: 'owner@sejahtera.id', name: 'Siti', role: 'owner', status: 'active' });
    expect(await verifyPassword('kuning-langsat-2026-secret', owner!.passwordHash)).toBe(true);
    // The owner's token works on the new tenant's admin API (sign-in issues exactly this token).
    const token = (
      await t.deps.tokens.signAccess({ sub: owner!.id, tid: tenantId, role: 'owner', email: owner!.email })
    ).token;
    const admin = await t.request(`${body.slug}.localhost`, '/api/admin/no-such-thing', { token });
    expect(admin.status).toBe(404);
    expect((await json(admin)).error.code).toBe('not_found');

    const rows = await t.db.select().from(integrations).where(eq(integrations.tenantId, tenantId));
    expect(rows.map((r) => [r.template, r.status, r.config]).sort()).toEqual([
      ['fonnte', 'pending', {}],
      ['gohighlevel', 'pending', {}],
      ['openai', 'pending', {}],
    ]);

    const [tenant] = await t.db.select().from(tenants).where(eq(tenants.id, tenantId));
    expect(tenant!.settings).toMatchObject({ autoReply: false, starterPreset: 'other' });
    expect((tenant!.settings as any).leadTags).toContain('test-drive');
    expect((tenant!.intake as any).choice).toMatchObject({
      chosenBy: 'rules',
      reason: expect.stringContaining('other'),
    });

    const [spec] = await t.db.select().from(tenantProvisionings).where(eq(tenantProvisionings.tenantId, tenantId));
    expect(spec!.ownerPasswordHash).toBeNull();
    expect(spec!.completedAt).not.toBeNull();

    const audit = await t.db.select().from(auditLogs).where(eq(auditLogs.tenantId, tenantId));
    expect(audit.map((a) => [a.action, a.actorType]).sort()).toEqual([
      ['tenant.create', 'platform'],
      ['tenant.provisioned', 'platform'],
    ]);
    expect(JSON.stringify(audit)).not.toContain('kuning-langsat-2026-secret');

    const read = await json(await platform(t, 'GET', `/api/platform/tenants/${tenantId}`));
    expect(read.data).toMatchObject({
      provisioned: true,
      users: { total: 1, owners: 1 },
      domains: [{ domain: 'mobil.sejahtera.id', isPrimary: true }],
      provisioning: { state: 'complete', jobId, progress: 100, progressMessage: 'Tenant is live' },
    });
  });

  test('a crash midway, then a re-run, yields one complete tenant with nothing duplicated', async () => {
    const body = tenantBody({ domains: ['crash.example.id'], intake: { businessType: 'used_car_dealer' } });
    const { tenantId, jobId } = await reserve(body);

    for (const step of ['owner', 'starter', 'settings', 'integrations'] as const) {
      const crash = runProvision(t, jobId, {
        afterStep: (s) => {
          if (s === step) throw new Error(`crash after ${s}`);
        },
      });
      await expect(crash).rejects.toThrow(`crash after ${step}`);
      expect((await t.request(`${body.slug}.localhost`, '/api/tenant')).status).toBe(404);
    }

    const { result } = await runProvision(t, jobId);
    expect(result).toMatchObject({ alreadyProvisioned: false, starter: { preset: 'used_car_dealer' } });
    expect((await t.request(`${body.slug}.localhost`, '/api/tenant')).status).toBe(200);

    const count = async (table: typeof users | typeof integrations | typeof tenantDomains) =>
      (await t.db.select().from(table).where(eq(table.tenantId, tenantId))).length;
    expect(await count(users)).toBe(1);
    expect(await count(integrations)).toBe(3);
    expect(await count(tenantDomains)).toBe(1);
    expect((await t.db.select().from(tenants).where(eq(tenants.slug, body.slug))).length).toBe(1);
    const provisioned = await t.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, tenantId), eq(auditLogs.action, 'tenant.provisioned')));
    expect(provisioned).toHaveLength(1);

    // Once complete, another run changes nothing.
    const again = await runProvision(t, jobId);
    expect(again.result).toMatchObject({ alreadyProvisioned: true });
    expect(await count(users)).toBe(1);
    expect(await count(integrations)).toBe(3);
  });

  test('a re-run adds only the integration records that are missing', async () => {
    const { tenantId, jobId } = await reserve(tenantBody());
    await expect(
      runProvision(t, jobId, {
        afterStep: (s) => {
          if (s === 'settings') throw new Error('crash');
        },
      }),
    ).rejects.toThrow('crash');
    const [fonnte] = await t.db.select().from(integrationTemplates).where(eq(integrationTemplates.name, 'fonnte'));
    await t.db
      .insert(integrations)
      .values({ tenantId, templateId: fonnte!.id, template: 'fonnte', name: 'WhatsApp', status: 'active' });
    await runProvision(t, jobId);
    const rows = await t.db.select().from(integrations).where(eq(integrations.tenantId, tenantId));
    expect(rows.map((r) => [r.template, r.status]).sort()).toEqual([
      ['fonnte', 'active'],
      ['gohighlevel', 'pending'],
      ['openai', 'pending'],
    ]);
  });

  test('duplicate slug or domain is 409 conflict and queues no job', async () => {
    const first = tenantBody({ domains: ['taken.example.id'] });
    await reserve(first);
    const jobsBefore = (await t.db.select().from(jobs)).length;
    const tenantsBefore = (await t.db.select().from(tenants)).length;

    const cases = [
      { body: tenantBody({ slug: first.slug }), path: 'slug' },
      { body: tenantBody({ domains: ['other.example.id', 'TAKEN.example.id'] }), path: 'domains.1' },
    ];
    for (const { body, path } of cases) {
      const res = await platform(t, 'POST', '/api/platform/tenants', { json: body });
      expect(res.status).toBe(409);
      const { error } = await json(res);
      expect(error.code).toBe('conflict');
      expect(error.details).toEqual([{ path, message: expect.any(String) }]);
    }
    expect((await t.db.select().from(jobs)).length).toBe(jobsBefore);
    expect((await t.db.select().from(tenants)).length).toBe(tenantsBefore);
  });

  test('concurrent requests for one slug: exactly one reservation and one job', async () => {
    const body = tenantBody();
    const responses = await Promise.all(
      [0, 1, 2].map((i) =>
        platform(t, 'POST', '/api/platform/tenants', {
          json: { ...body, owner: { ...body.owner, email: `race${i}@maju.test` } },
        }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 409, 409]);
    const [row] = await t.db.select().from(tenants).where(eq(tenants.slug, body.slug));
    expect((await t.db.select().from(jobs).where(eq(jobs.tenantId, row!.id))).length).toBe(1);
  });

  test('reserved, malformed and upper-case slugs are 400 validation_failed', async () => {
    for (const slug of [
      'www',
      'api',
      'admin',
      'app',
      'Acme',
      'acme_motors',
      '-acme',
      'acme-',
      'a',
      'xn--acme',
      'a'.repeat(64),
    ]) {
      const res = await platform(t, 'POST', '/api/platform/tenants', { json: tenantBody({ slug }) });
      expect({ slug, status: res.status }).toEqual({ slug, status: 400 });
      const { error } = await json(res);
      expect(error.code).toBe('validation_failed');
      expect(error.details.map((d: { path: string }) => d.path)).toContain('slug');
    }
  });

  test('bad domains, owner, locale, currency and time zone are 400 with every issue listed', async () => {
    const res = await platform(t, 'POST', '/api/platform/tenants', {
      json: tenantBody({
        domains: ['https://acme.co.id/', 'dup.co.id', 'dup.co.id'],
        locale: 'not a locale!',
        currency: 'XXQ',
        timezone: 'Mars/Olympus',
        whatsappNumber: 'call me',
        owner: { email: 'nope', name: '', password: 'short' },
      }),
    });
    expect(res.status).toBe(400);
    const paths = (await json(res)).error.details.map((d: { path: string }) => d.path);
    for (const p of [
      'domains.0',
      'domains',
      'locale',
      'currency',
      'timezone',
      'whatsappNumber',
      'owner.email',
      'owner.name',
      'owner.password',
    ]) {
      expect(paths).toContain(p);
    }
  });

  test('the owner password follows the staff policy: common or personal passwords are 400', async () => {
    for (const password of ['password1234', 'budi-santoso-2026']) {
      const res = await platform(t, 'POST', '/api/platform/tenants', {
        json: tenantBody({ owner: { email: 'budi@maju.test', name: 'Budi Santoso', password } }),
      });
      expect({ password, status: res.status }).toEqual({ password, status: 400 });
      expect((await json(res)).error.details.map((d: { path: string }) => d.path)).toEqual(['owner.password']);
    }
  });

  test('a domain under BASE_DOMAIN is refused: those hosts come from the slug', async () => {
    const res = await platform(t, 'POST', '/api/platform/tenants', {
      json: tenantBody({ domains: ['shop.example.id', 'other.localhost'] }),
    });
    expect(res.status).toBe(400);
    expect((await json(res)).error.details).toEqual([{ path: 'domains.1', message: expect.stringContaining('slug') }]);
  });

  test('locale, currency and time zone are stored as given (canonical form)', async () => {
    const body = tenantBody({ locale: 'en-us', currency: 'SGD', timezone: 'Asia/Singapore' });
    const { jobId } = await reserve(body);
    await runProvision(t, jobId);
    const res = await t.request(`${body.slug}.localhost`, '/api/tenant');
    expect((await json(res)).data).toMatchObject({ locale: 'en-US', currency: 'SGD', timezone: 'Asia/Singapore' });
  });
});
