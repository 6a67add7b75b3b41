// Built-in templates are seeded on every database, idempotently, and tenant admins can read them.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { integrationTemplates } from '../../drizzle/schema';
import { ensureIntegrationTemplates } from '../../src/repositories/integration-templates';
import { createTestApp, json, type TestApp } from '../helpers/app';
import { api, type Dealer, dealer } from './support';

describe('integration templates', () => {
  let t: TestApp;
  let acme: Dealer;
  beforeAll(async () => {
    t = await createTestApp();
    acme = await dealer(t, 'acme', 'admin');
  });
  afterAll(() => t.close());

  test('a fresh database has fonnte, gohighlevel and openai', async () => {
    const rows = await t.db.select().from(integrationTemplates);
    expect(rows.map((r) => r.name).sort()).toEqual(['fonnte', 'gohighlevel', 'openai']);
    const ghl = rows.find((r) => r.name === 'gohighlevel')!;
    expect(ghl.secretFields).toEqual(['apiKey', 'webhookSecret']);
    expect(ghl.configSchema).toMatchObject({ type: 'object', required: ['apiKey', 'locationId'] });
  });

  test('seeding again changes nothing and keeps operator edits', async () => {
    await t.db
      .update(integrationTemplates)
      .set({ displayName: 'WhatsApp', isActive: false })
      .where(eq(integrationTemplates.name, 'openai'));
    await ensureIntegrationTemplates(t.db);
    await ensureIntegrationTemplates(t.db);
    const rows = await t.db.select().from(integrationTemplates);
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.name === 'openai')).toMatchObject({ displayName: 'WhatsApp', isActive: false });
    await t.db
      .update(integrationTemplates)
      .set({ displayName: 'OpenAI', isActive: true })
      .where(eq(integrationTemplates.name, 'openai'));
  });

  test('GET /api/admin/integration-templates lists active templates with schema and instructions', async () => {
    const res = await api(t, acme).get('/integration-templates');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.meta).toEqual({ page: 1, limit: 20, total: 3, totalPages: 1 });
    const fonnte = body.data.find((d: { name: string }) => d.name === 'fonnte');
    expect(fonnte).toMatchObject({
      displayName: 'WhatsApp (Fonnte)',
      category: 'messaging',
      secretFields: ['deviceToken'],
      configSchema: { required: ['deviceToken', 'deviceNumber'] },
    });
    expect(fonnte.setupInstructions).toContain('Webhook URL');
  });

  test('a deactivated template is not offered', async () => {
    await t.db.update(integrationTemplates).set({ isActive: false }).where(eq(integrationTemplates.name, 'openai'));
    const body = await json(await api(t, acme).get('/integration-templates?limit=1&page=2'));
    expect(body.meta).toEqual({ page: 2, limit: 1, total: 2, totalPages: 2 });
    expect(body.data).toHaveLength(1);
    await t.db.update(integrationTemplates).set({ isActive: true }).where(eq(integrationTemplates.name, 'openai'));
  });
});
