import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { auditLogs, integrations } from '../../drizzle/schema';
import { createTenant, json, type TestApp } from '../helpers/app';
import { createPlatformApp, platform, seedTemplates } from './helpers';

const whatsappCloud = {
  name: 'whatsapp_cloud',
  displayName: 'WhatsApp Cloud API',
  category: 'messaging',
  configSchema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    required: ['accessToken', 'phoneNumberId'],
    properties: {
      accessToken: { type: 'string', minLength: 10, writeOnly: true },
      phoneNumberId: { type: 'string', pattern: '^[0-9]+$' },
    },
  },
  secretFields: ['accessToken'],
  setupInstructions: 'Create a system user token in Meta Business Manager.',
};

describe('integration template administration', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createPlatformApp();
    await seedTemplates(t);
  });
  afterAll(() => t.close());

  test('lists the seeded templates with usage counts', async () => {
    const res = await platform(t, 'GET', '/api/platform/integration-templates');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.meta).toEqual({ page: 1, limit: 20, total: 3, totalPages: 1 });
    expect(body.data.map((d: { name: string }) => d.name)).toEqual(['fonnte', 'gohighlevel', 'openai']);
    expect(body.data[0]).toMatchObject({ secretFields: ['deviceToken'], isActive: true, inUse: 0 });
  });

  test('create, read, update, delete, each audited as platform', async () => {
    const created = await platform(t, 'POST', '/api/platform/integration-templates', { json: whatsappCloud });
    expect(created.status).toBe(201);
    const { data } = await json(created);
    expect(data).toMatchObject({ ...whatsappCloud, isActive: true, inUse: 0 });

    const read = await json(await platform(t, 'GET', `/api/platform/integration-templates/${data.id}`));
    expect(read.data.name).toBe('whatsapp_cloud');

    const updated = await platform(t, 'PATCH', `/api/platform/integration-templates/${data.id}`, {
      json: { displayName: 'WhatsApp (Meta Cloud)', isActive: false },
    });
    expect(updated.status).toBe(200);
    expect((await json(updated)).data).toMatchObject({ displayName: 'WhatsApp (Meta Cloud)', isActive: false });

    const deleted = await platform(t, 'DELETE', `/api/platform/integration-templates/${data.id}`);
    expect(deleted.status).toBe(204);
    expect((await platform(t, 'GET', `/api/platform/integration-templates/${data.id}`)).status).toBe(404);

    const audit = await t.db.select().from(auditLogs).where(eq(auditLogs.targetId, data.id));
    expect(audit.map((a) => [a.action, a.actorType, a.tenantId])).toEqual([
      ['integration_template.create', 'platform', null],
      ['integration_template.update', 'platform', null],
      ['integration_template.delete', 'platform', null],
    ]);
  });

  test('a duplicate name is 409 conflict', async () => {
    const res = await platform(t, 'POST', '/api/platform/integration-templates', {
      json: { ...whatsappCloud, name: 'fonnte' },
    });
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe('conflict');
  });

  test('configSchema must be an object schema and secretFields its properties', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ configSchema: { type: 'array', items: {} } }, 'configSchema.type'],
      [{ configSchema: { type: 'object' } }, 'configSchema.properties'],
      [{ configSchema: { type: 'object', properties: { a: { type: 'text' } } } }, 'configSchema.properties.a.type'],
      [{ configSchema: { ...whatsappCloud.configSchema, required: ['missing'] } }, 'configSchema.required.0'],
      [{ secretFields: ['accessToken', 'nope'] }, 'secretFields.1'],
      [{ name: 'Bad Name' }, 'name'],
    ];
    for (const [change, path] of cases) {
      const res = await platform(t, 'POST', '/api/platform/integration-templates', {
        json: { ...whatsappCloud, name: 'probe', ...change },
      });
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      const paths = (await json(res)).error.details.map((d: { path: string }) => d.path);
      expect(paths).toContain(path);
    }
  });

  test('a patch is checked against the stored schema: secretFields must stay properties of it', async () => {
    const { data } = await json(
      await platform(t, 'POST', '/api/platform/integration-templates', {
        json: { ...whatsappCloud, name: 'patchable' },
      }),
    );
    const res = await platform(t, 'PATCH', `/api/platform/integration-templates/${data.id}`, {
      json: { secretFields: ['apiKey'] },
    });
    expect(res.status).toBe(400);
    expect((await json(res)).error.details).toEqual([{ path: 'secretFields.0', message: expect.any(String) }]);
    const empty = await platform(t, 'PATCH', `/api/platform/integration-templates/${data.id}`, { json: {} });
    expect(empty.status).toBe(400);
  });

  test('a template in use cannot be deleted (409); deactivating it is the way out', async () => {
    const list = await json(await platform(t, 'GET', '/api/platform/integration-templates'));
    const fonnte = list.data.find((d: { name: string }) => d.name === 'fonnte');
    const tenant = await createTenant(t.deps, { slug: 'user-of-fonnte' });
    await t.db
      .insert(integrations)
      .values({ tenantId: tenant.id, templateId: fonnte.id, template: 'fonnte', name: 'WA' });

    const res = await platform(t, 'DELETE', `/api/platform/integration-templates/${fonnte.id}`);
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe('conflict');
    const read = await json(await platform(t, 'GET', `/api/platform/integration-templates/${fonnte.id}`));
    expect(read.data.inUse).toBe(1);

    const off = await platform(t, 'PATCH', `/api/platform/integration-templates/${fonnte.id}`, {
      json: { isActive: false },
    });
    expect((await json(off)).data).toMatchObject({ isActive: false, inUse: 1 });
  });
});
