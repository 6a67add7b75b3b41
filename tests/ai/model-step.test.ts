// The model step of lead.follow_up on a real database and the OpenAI double: which path wins, what
// reaches the model, and what the month's usage row says afterwards.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import type { Car, Tenant } from '../../drizzle/schema';
import { runModelStep } from '../../src/ai/model-step';
import type { PromptMessage } from '../../src/ai/prompt';
import { findUsage } from '../../src/ai/usage';
import { parseEnv } from '../../src/env';
import { ProviderError } from '../../src/integrations/provider-error';
import { manualClock } from '../../src/lib/clock';
import { createSecretBox } from '../../src/lib/crypto';
import { createLogger } from '../../src/lib/logger';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { chatCompletion, startFakeOpenAI } from '../helpers/fake-openai';
import { insertCar, insertOpenAIIntegration, insertTenant } from './fixtures';

const fake = startFakeOpenAI();
let database: TestDatabase;
let home: Tenant;
let rival: Tenant;
let homeAvanza: Car;
let rivalAvanza: Car;
const clock = manualClock('2025-03-10T03:00:00Z');
const env = parseEnv({
  NODE_ENV: 'test',
  OPENAI_API_KEY: fake.apiKey,
  OPENAI_BASE_URL: fake.baseURL,
  AI_TIMEOUT_MS: '300',
  AI_MONTHLY_CALL_CAP: '100',
});

beforeAll(async () => {
  database = await createTestDatabase();
  home = await insertTenant(database.db, { slug: 'home-dealer', name: 'Home Motors' });
  rival = await insertTenant(database.db, { slug: 'rival-dealer', name: 'Rival Auto' });
  homeAvanza = await insertCar(database.db, home.id, {
    brand: 'Toyota',
    model: 'Avanza',
    year: 2019,
    price: 175_000_000,
    title: '2019 Toyota Avanza Home Unit',
  });
  // The rival has the very car the customer asks for, cheaper: it must still never be offered.
  rivalAvanza = await insertCar(database.db, rival.id, {
    brand: 'Toyota',
    model: 'Avanza',
    year: 2019,
    price: 150_000_000,
    title: '2019 Toyota Avanza Rival Unit',
  });
});
afterAll(async () => {
  await Promise.all([database.close(), fake.close()]);
});
beforeEach(() => fake.reset());

const conversation: PromptMessage[] = [
  { direction: 'in', body: 'Avanza 2019 matic ada? budget 180jt', createdAt: new Date('2025-03-10T02:59:00Z') },
];
const deps = () => ({ db: database.db, env, clock, log: createLogger('silent') });
const step = (overrides: Partial<Parameters<typeof runModelStep>[1]> = {}) =>
  runModelStep(deps(), {
    tenant: home,
    conversation,
    query: { brand: 'Toyota', model: 'Avanza', yearMin: 2019, yearMax: 2019, budgetMax: 180_000_000 },
    finalAttempt: false,
    ...overrides,
  });

function answer(matchedCarIds: string[]) {
  return {
    intent: 'buy',
    interest: {
      brand: 'Toyota',
      model: 'Avanza',
      yearMin: 2019,
      yearMax: 2019,
      budgetMax: 180_000_000,
      transmission: 'automatic',
      fuel: null,
      bodyType: null,
    },
    temperature: 'hot',
    score: 88,
    matchedCarIds,
    replyDraft: 'Halo Kak, Avanza 2019 masih ada di Rp 175.000.000. Kapan bisa lihat unitnya?',
    reasoning: 'Model, tahun dan budget jelas.',
  };
}

describe('the model path', () => {
  test('a good answer becomes the qualification, and its tokens are recorded for the month', async () => {
    fake.enqueueCompletion(answer([homeAvanza.id]));
    const before = (await findUsage({ db: database.db, tenantId: home.id, month: '2025-03' }))?.totalTokens ?? 0;
    const result = await step();
    expect(result.path).toBe('model');
    if (result.path !== 'model') return;
    expect(result.replyDraft).toContain('Avanza 2019');
    expect(result.qualification).toMatchObject({
      path: 'model',
      intent: 'buy',
      temperature: 'hot',
      score: 88,
      matchedCarIds: [homeAvanza.id],
      account: 'operator',
      candidateCarIds: [homeAvanza.id],
      droppedCarIds: [],
      qualifiedAt: '2025-03-10T03:00:00.000Z',
    });
    const usage = await findUsage({ db: database.db, tenantId: home.id, month: '2025-03' });
    expect(usage!.totalTokens - before).toBe(result.qualification.usage.totalTokens);
  });

  test("no other tenant's car ever reaches the prompt, and a rival car id from the model is dropped", async () => {
    fake.enqueueCompletion(answer([rivalAvanza.id, homeAvanza.id]));
    const result = await step();
    const raw = fake.requests[0]!.rawBody;
    expect(raw).toContain(homeAvanza.id);
    expect(raw).toContain('Home Unit');
    expect(raw).not.toContain(rivalAvanza.id);
    expect(raw).not.toContain('Rival Unit');
    expect(raw).not.toContain(rivalAvanza.slug);
    expect(raw).not.toContain('Rival Auto');
    expect(raw).not.toContain(fake.apiKey);
    expect(result.path).toBe('model');
    if (result.path !== 'model') return;
    expect(result.qualification.matchedCarIds).toEqual([homeAvanza.id]);
    expect(result.qualification.droppedCarIds).toEqual([rivalAvanza.id]);
  });
  test('internal notes and unsent drafts stay out of the prompt', async () => {
    fake.enqueueCompletion(answer([]));
    await step({
      conversation: [
        ...conversation,
        {
          direction: 'out',
          body: 'Internal: customer owes us money',
          createdAt: new Date(),
          channel: 'note',
          status: 'sent',
        },
        { direction: 'out', body: 'Unsent draft text', createdAt: new Date(), channel: 'whatsapp', status: 'draft' },
      ],
    });
    const raw = fake.requests[0]!.rawBody;
    expect(raw).toContain('budget 180jt');
    expect(raw).not.toContain('owes us money');
    expect(raw).not.toContain('Unsent draft text');
  });
});

describe('falling back to the rules', () => {
  test('a refusal, with its usage still recorded', async () => {
    fake.enqueueRefusal('I cannot help with that.');
    const before = (await findUsage({ db: database.db, tenantId: home.id, month: '2025-03' }))!.totalTokens;
    expect(await step()).toMatchObject({
      path: 'rules',
      fallbackReason: 'refused',
      fallbackDetail: 'I cannot help with that.',
    });
    expect((await findUsage({ db: database.db, tenantId: home.id, month: '2025-03' }))!.totalTokens).toBeGreaterThan(
      before,
    );
  });

  test('a malformed answer', async () => {
    fake.enqueueCompletion({ intent: 'buy' });
    expect(await step()).toMatchObject({ path: 'rules', fallbackReason: 'malformed' });
  });

  test('a timeout throws for a retry, but on the last attempt the rules answer', async () => {
    const slow = () =>
      fake.enqueue({ path: '/v1/chat/completions', delayMs: 1000, json: chatCompletion({ content: '{}' }) });
    slow();
    const err = await step().then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as ProviderError).kind).toBe('timeout');
    slow();
    expect(await step({ finalAttempt: true })).toMatchObject({ path: 'rules', fallbackReason: 'model_unavailable' });
  });

  test('a 429 throws for a retry with backoff', async () => {
    fake.enqueueError(429, 'Rate limit reached', { code: 'rate_limit_exceeded' });
    const err = await step().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(true);
  });

  test('once the monthly cap is reached no call is made', async () => {
    const capped = await insertTenant(database.db, { settings: { autoReply: false, aiMonthlyCallCap: 1 } });
    await insertCar(database.db, capped.id, { brand: 'Toyota', model: 'Avanza', year: 2019, price: 170_000_000 });
    fake.enqueueCompletion(answer([]));
    expect((await step({ tenant: capped })).path).toBe('model');
    expect(fake.requests).toHaveLength(1);
    expect(await step({ tenant: capped })).toMatchObject({ path: 'rules', fallbackReason: 'cap_reached' });
    expect(fake.requests).toHaveLength(1);
    // Next month the budget is fresh.
    clock.set('2025-04-01T00:00:00Z');
    try {
      fake.enqueueCompletion(answer([]));
      expect((await step({ tenant: capped })).path).toBe('model');
    } finally {
      clock.set('2025-03-10T03:00:00Z');
    }
  });

  test("a tenant's key sealed by the process's secret box (not one rebuilt from env) is opened", async () => {
    // The process box holds a rotated key the env-derived default does not know: only it can open the key.
    const rotated = createSecretBox([{ kid: 'rotated', key: Buffer.alloc(32, 7) }]);
    const own = await insertTenant(database.db, { slug: 'rotated-keys', name: 'Rotated Motors' });
    await insertOpenAIIntegration(database.db, rotated, own.id, { apiKey: fake.apiKey, baseUrl: fake.baseURL });
    fake.enqueueCompletion(answer([]));
    const result = await runModelStep(
      { ...deps(), env: { ...env, ALLOW_PRIVATE_INTEGRATION_URLS: true }, secrets: rotated },
      { tenant: own, conversation, query: {}, finalAttempt: false },
    );
    expect(result.path).toBe('model');
    if (result.path === 'model') expect(result.qualification.account).toBe('integration');
  });

  test('without any key configured, no call is made', async () => {
    const bare = parseEnv({ NODE_ENV: 'test' });
    const result = await runModelStep(
      { ...deps(), env: bare },
      { tenant: home, conversation, query: {}, finalAttempt: false },
    );
    expect(result).toMatchObject({ path: 'rules', fallbackReason: 'not_configured' });
    expect(fake.requests).toHaveLength(0);
  });

  test('notes and unsent drafts are not conversation; with nothing from the customer the model is not asked', async () => {
    const result = await step({
      conversation: [
        { direction: 'out', body: 'Internal: VIP customer', createdAt: new Date(), channel: 'note', status: 'sent' },
        { direction: 'out', body: 'Draft reply', createdAt: new Date(), channel: 'whatsapp', status: 'draft' },
      ],
    });
    expect(result).toMatchObject({ path: 'rules', fallbackReason: 'no_conversation' });
    expect(fake.requests).toHaveLength(0);
  });
});
