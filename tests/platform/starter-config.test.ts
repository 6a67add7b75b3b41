import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { tenants } from '../../drizzle/schema';
import { chooseByRules, chooseStarterConfig, type StarterInput } from '../../src/services/starter-config';
import { json, type TestApp } from '../helpers/app';
import { createPlatformApp, platform, runProvision, tenantBody } from './helpers';

const jakarta = { name: 'Maju Motor', locale: 'id-ID', timezone: 'Asia/Jakarta' };

describe('starter configuration from intake', () => {
  test('rules pick tags, templates and hours by business type, size, brands and city, and say why', () => {
    const choice = chooseByRules({
      intake: {
        businessType: 'used_car_dealer',
        inventorySize: 200,
        brands: ['Toyota', 'Mercedes-Benz'],
        city: 'Surabaya',
      },
      tenant: jakarta,
    });
    expect(choice.chosenBy).toBe('rules');
    expect(choice.config.preset).toBe('used_car_dealer');
    expect(choice.config.autoReply).toBe(true);
    expect(choice.config.leadTags).toEqual(
      expect.arrayContaining(['trade-in', 'follow-up-24h', 'brand:toyota', 'brand:mercedes-benz']),
    );
    expect(choice.config.businessHours.sun).toEqual({ open: '10:00', close: '15:00' });
    const greeting = choice.config.replyTemplates.find((r) => r.key === 'greeting' && r.language === 'id');
    expect(greeting!.body).toContain('Maju Motor Surabaya');
    expect(greeting!.body).toContain('{{name}}');
    expect(choice.config.replyTemplates.map((r) => r.language)).toContain('en');
    expect(choice.reason).toContain('used_car_dealer');
    expect(choice.reason).toContain('inventory large');
  });

  test('a small motorcycle dealer closes on Sunday and answers personally', () => {
    const { config, reason } = chooseByRules({
      intake: { businessType: 'motorcycle_dealer', inventorySize: 'small', languages: ['id'] },
      tenant: jakarta,
    });
    expect(config.businessHours.sun).toBeNull();
    expect(config.autoReply).toBe(false);
    expect(config.leadTags).toContain('credit');
    expect(new Set(config.replyTemplates.map((r) => r.language))).toEqual(new Set(['id']));
    expect(reason).toContain('staff answer personally');
  });

  const input: StarterInput = { intake: { businessType: 'new_car_dealer' }, tenant: jakarta };

  test('the model decides when wired in and its answer validates', async () => {
    const proposed = { ...chooseByRules(input).config, preset: 'premium_new_car', leadTags: ['vip'] };
    const choice = await chooseStarterConfig(input, {
      chooseWithModel: async (given) => {
        expect(given).toEqual(input);
        return { config: proposed, reason: 'Premium brand: VIP follow-up' };
      },
    });
    expect(choice).toEqual({ chosenBy: 'model', reason: 'Premium brand: VIP follow-up', config: proposed });
  });

  test('a failing or invalid model answer falls back to the rules, recording why', async () => {
    const failing = await chooseStarterConfig(input, {
      chooseWithModel: async () => {
        throw new Error('429 quota');
      },
    });
    expect(failing).toMatchObject({ chosenBy: 'rules', modelError: expect.stringContaining('429 quota') });
    expect(failing.reason).toContain('rules used because');

    const invalid = await chooseStarterConfig(input, {
      chooseWithModel: async () => ({ config: { leadTags: 'not an array' }, reason: 'x' }),
    });
    expect(invalid).toMatchObject({ chosenBy: 'rules', modelError: 'the model proposal did not validate' });
  });
});

describe('intake through provisioning', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createPlatformApp();
  });
  afterAll(() => t.close());

  test('the choice, who made it and why are recorded on the tenant and applied to its settings', async () => {
    const body = tenantBody({
      intake: { businessType: 'new_car_dealer', inventorySize: 80, brands: ['Honda'], city: 'Bandung', extra: 'kept' },
    });
    const { data } = await json(await platform(t, 'POST', '/api/platform/tenants', { json: body }));
    await runProvision(t, data.jobId);
    const [row] = await t.db.select().from(tenants).where(eq(tenants.id, data.tenantId));
    const intake = row!.intake as any;
    expect(intake.answers).toMatchObject({ businessType: 'new_car_dealer', city: 'Bandung', extra: 'kept' });
    expect(intake.choice).toMatchObject({ chosenBy: 'rules', reason: expect.stringContaining('new_car_dealer') });
    expect(row!.settings).toMatchObject({ autoReply: true, starterPreset: 'new_car_dealer' });
    expect((row!.settings as any).leadTags).toContain('brand:honda');

    const res = await t.request(`${body.slug}.localhost`, '/api/tenant');
    expect((await json(res)).data.settings).toEqual({ autoReply: true });
  });

  test('a re-run keeps the first choice instead of asking the model again', async () => {
    const { data } = await json(await platform(t, 'POST', '/api/platform/tenants', { json: tenantBody() }));
    let calls = 0;
    const modelChooser = () => async () => {
      calls++;
      return { config: { ...chooseByRules(input()).config, preset: `model-${calls}` }, reason: `call ${calls}` };
    };
    const input = (): StarterInput => ({ intake: {}, tenant: jakarta });
    await expect(
      runProvision(t, data.jobId, {
        modelChooser,
        afterStep: (s) => {
          if (s === 'settings') throw new Error('crash');
        },
      }),
    ).rejects.toThrow('crash');
    const { result } = await runProvision(t, data.jobId, { modelChooser });
    expect(calls).toBe(1);
    expect(result).toMatchObject({ starter: { chosenBy: 'model', preset: 'model-1' } });
  });

  test('unknown business types and malformed intake are 400', async () => {
    const res = await platform(t, 'POST', '/api/platform/tenants', {
      json: tenantBody({ intake: { businessType: 'spaceship_dealer', brands: 'Toyota', inventorySize: -1 } }),
    });
    expect(res.status).toBe(400);
    const paths = (await json(res)).error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['intake.brands', 'intake.businessType', 'intake.inventorySize']);
  });
});
