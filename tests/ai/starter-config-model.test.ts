// The starter configuration chosen by the operator's model at provisioning, through the real SDK
// against the local OpenAI double; any unusable answer falls back to the rules with the reason recorded.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { tenants } from '../../drizzle/schema';
import { defaultProvisionOptions } from '../../src/jobs/tasks/tenant-provision';
import { json, type TestApp } from '../helpers/app';
import { type FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai';
import { createPlatformApp, platform, runProvision, tenantBody } from '../platform/helpers';

const hours = { open: '08:00', close: '17:00' };
const proposal = {
  config: {
    preset: 'family-mpv-specialist',
    autoReply: false,
    leadTags: ['mpv', 'kredit', 'test-drive'],
    replyTemplates: [{ key: 'greeting', language: 'id', title: 'Salam', body: 'Halo {{name}}, terima kasih!' }],
    businessHours: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: hours, sun: null },
  },
  reason: 'A Surabaya dealer of family MPVs: financing and test-drive tags come first.',
};

describe('starter configuration by the model', () => {
  let t: TestApp;
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = startFakeOpenAI();
    t = await createPlatformApp({ env: { OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.baseURL } });
  });
  afterAll(async () => {
    await t.close();
    fake.close();
  });

  async function provision(intake: Record<string, unknown>) {
    const body = tenantBody({ intake });
    const res = await platform(t, 'POST', '/api/platform/tenants', { json: body });
    expect(res.status).toBe(202);
    const { tenantId, jobId } = (await json(res)).data;
    await runProvision(t, jobId, defaultProvisionOptions);
    const [tenant] = await t.db.select().from(tenants).where(eq(tenants.id, tenantId));
    return { tenant: tenant!, body };
  }

  test('a valid proposal is used, with the model named as the chooser and its reason recorded', async () => {
    fake.reset();
    fake.enqueueCompletion(proposal);
    const { tenant, body } = await provision({ businessType: 'used_car_dealer', city: 'Surabaya', brands: ['Toyota'] });
    expect((tenant.intake as any).choice).toMatchObject({ chosenBy: 'model', reason: proposal.reason });
    expect((tenant.settings as any).leadTags).toEqual(['mpv', 'kredit', 'test-drive']);
    const sent = JSON.stringify(fake.requests.at(-1)!.body);
    expect(sent).toContain('Surabaya');
    expect(sent).not.toContain(body.owner.password);
  });

  test('a proposal that does not validate falls back to the rules and says why', async () => {
    fake.reset();
    fake.enqueueCompletion({ config: { preset: '' }, reason: 'broken' });
    const { tenant } = await provision({ businessType: 'new_car_dealer' });
    const choice = (tenant.intake as any).choice;
    expect(choice.chosenBy).toBe('rules');
    expect(choice.modelError).toEqual(expect.any(String));
  });

  test('a model outage (500) never fails provisioning: the rules answer', async () => {
    fake.reset();
    fake.enqueueError(500, 'upstream failure');
    const { tenant } = await provision({ businessType: 'motorcycle_dealer' });
    expect((tenant.intake as any).choice.chosenBy).toBe('rules');
    expect(tenant.provisionedAt).not.toBeNull();
  });
});
