// qualifyWithModel through the real openai SDK against the local double: what each kind of answer or
// failure turns into, and what the request the double received contains.
import { afterAll, beforeEach, describe, expect, test } from 'bun:test';
import type { PromptCar, PromptMessage } from '../../src/ai/prompt';
import { isRetryableModelError, qualifyWithModel } from '../../src/ai/qualify';
import { createOpenAIClient } from '../../src/integrations/openai-client';
import { ProviderError } from '../../src/integrations/provider-error';
import { RetryLaterError } from '../../src/jobs/registry';
import { chatCompletion, startFakeOpenAI } from '../helpers/fake-openai';

const fake = startFakeOpenAI();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const tenant = { name: 'Demo Motors', locale: 'id-ID', currency: 'IDR', timezone: 'Asia/Jakarta' };
const now = new Date('2025-03-01T07:00:00Z');
const conversation: PromptMessage[] = [
  { direction: 'in', body: 'Halo, Avanza 2019 matic masih ada? Budget 180jt, bisa kredit?', createdAt: now },
];
const avanza: PromptCar = {
  id: '0195a000-0000-7000-8000-000000000001',
  title: '2019 Toyota Avanza 1.3 G',
  year: 2019,
  priceFormatted: 'Rp 175.000.000',
  mileageKm: 45_000,
  transmission: 'automatic',
  fuel: 'petrol',
  url: 'http://demo.localhost/cars/2019-toyota-avanza-1-3-g',
};
const xenia: PromptCar = { ...avanza, id: '0195a000-0000-7000-8000-000000000002', title: '2018 Daihatsu Xenia R' };

function answer(overrides: Record<string, unknown> = {}) {
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
      bodyType: 'MPV',
    },
    temperature: 'hot',
    score: 85,
    matchedCarIds: [avanza.id],
    replyDraft: 'Halo Kak, Avanza 2019 1.3 G matic masih tersedia di harga Rp 175.000.000. Mau jadwalkan test drive?',
    reasoning: 'Menyebut model, tahun dan budget, dan menanyakan kredit.',
    ...overrides,
  };
}

const client = (timeoutMs = 2000) =>
  createOpenAIClient({ apiKey: fake.apiKey, baseURL: fake.baseURL, timeoutMs, maxRetries: 0 });

const run = (overrides: Partial<Parameters<typeof qualifyWithModel>[0]> = {}) =>
  qualifyWithModel({
    client: client(),
    model: 'gpt-4o-mini',
    tenant,
    conversation,
    candidates: [avanza, xenia],
    now,
    ...overrides,
  });

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

describe('a usable answer', () => {
  test('is validated and returned with the usage the API reported', async () => {
    fake.enqueueCompletion(answer());
    const outcome = await run();
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.result).toEqual(answer() as never);
    expect(outcome.droppedCarIds).toEqual([]);
    expect(outcome.usage.promptTokens).toBe(42);
    expect(outcome.usage.totalTokens).toBe(outcome.usage.promptTokens + outcome.usage.completionTokens);
  });

  test('is asked for as strict structured output with the lead_qualification schema', async () => {
    fake.enqueueCompletion(answer());
    await run();
    expect(fake.requests).toHaveLength(1);
    const body = fake.requests[0]!.body as any;
    expect(body.model).toBe('gpt-4o-mini');
    expect(body.response_format.type).toBe('json_schema');
    expect(body.response_format.json_schema.name).toBe('lead_qualification');
    expect(body.response_format.json_schema.strict).toBe(true);
    expect(body.response_format.json_schema.schema.required).toEqual([
      'intent',
      'interest',
      'temperature',
      'score',
      'matchedCarIds',
      'replyDraft',
      'reasoning',
    ]);
  });

  test('car ids the model invented are dropped and reported', async () => {
    fake.enqueueCompletion(answer({ matchedCarIds: ['0195a000-dead-7000-8000-000000000099', avanza.id, avanza.id] }));
    const outcome = await run();
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.result.matchedCarIds).toEqual([avanza.id]);
    expect(outcome.droppedCarIds).toEqual(['0195a000-dead-7000-8000-000000000099']);
  });
});

describe('the request the double received', () => {
  test('holds the given candidates and conversation, and never the API key', async () => {
    fake.enqueueCompletion(answer());
    await run({ candidates: [avanza] });
    const raw = fake.requests[0]!.rawBody;
    expect(raw).toContain(avanza.id);
    expect(raw).not.toContain(xenia.id);
    expect(raw).toContain('Budget 180jt');
    expect(raw).toContain('Indonesian');
    expect(raw).not.toContain(fake.apiKey);
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
  });
});

describe('transient failures are thrown for the job to retry', () => {
  test('a timeout', async () => {
    fake.enqueue({ path: '/v1/chat/completions', delayMs: 1500, json: chatCompletion({ content: '{}' }) });
    const started = Date.now();
    const err = await thrown(run({ client: client(300) }));
    expect(Date.now() - started).toBeLessThan(1400);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('timeout');
    expect(isRetryableModelError(err)).toBe(true);
    expect(fake.requests).toHaveLength(1); // maxRetries 0: the SDK did not retry on its own
  });

  test('a 429 rate limit', async () => {
    fake.enqueueError(429, 'Rate limit reached for requests', { code: 'rate_limit_exceeded' });
    const err = await thrown(run());
    expect((err as ProviderError).kind).toBe('rate_limited');
    expect(isRetryableModelError(err)).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  test('a 429 with Retry-After waits as long as the API asked', async () => {
    fake.enqueueError(429, 'Rate limit reached', { headers: { 'retry-after': '7' } });
    const err = await thrown(run());
    expect(err).toBeInstanceOf(RetryLaterError);
    expect((err as RetryLaterError).retryAfterMs).toBe(7000);
    expect(isRetryableModelError(err)).toBe(true);
  });

  test('a 5xx', async () => {
    fake.enqueueError(503, 'The server is overloaded');
    const err = await thrown(run());
    expect((err as ProviderError).kind).toBe('server_error');
    expect(isRetryableModelError(err)).toBe(true);
  });
});

describe('answers that cannot be used fall back, with the reason', () => {
  test('a refusal', async () => {
    fake.enqueueRefusal("I'm sorry, I can't help with that.");
    const outcome = await run();
    expect(outcome).toMatchObject({ ok: false, reason: 'refused', detail: "I'm sorry, I can't help with that." });
    expect(outcome.usage?.promptTokens).toBe(42);
  });

  test('content that is not JSON', async () => {
    fake.enqueueCompletion('Sure! The customer wants an Avanza.');
    expect(await run()).toMatchObject({ ok: false, reason: 'malformed', detail: 'answer is not JSON' });
  });

  test('JSON of the wrong shape names the offending fields', async () => {
    fake.enqueueCompletion(answer({ score: 150, intent: 'lease' }));
    const outcome = await run();
    expect(outcome).toMatchObject({ ok: false, reason: 'malformed' });
    if (outcome.ok) return;
    expect(outcome.detail).toContain('score');
    expect(outcome.detail).toContain('intent');
    expect(outcome.usage).not.toBeNull();
  });

  test('an answer cut off at the token limit', async () => {
    fake.enqueueCompletion('{"intent":"buy","inter', { finishReason: 'length' });
    expect(await run()).toMatchObject({ ok: false, reason: 'malformed', detail: 'answer cut off at the token limit' });
  });

  test('an empty reply draft', async () => {
    fake.enqueueCompletion(answer({ replyDraft: '   ' }));
    expect(await run()).toMatchObject({ ok: false, reason: 'malformed', detail: 'reply draft is empty' });
  });

  test('an HTTP body that is not JSON at all', async () => {
    fake.enqueue({ path: '/v1/chat/completions', body: '<html>502 Bad Gateway</html>', status: 200 });
    expect(await run()).toMatchObject({ ok: false, reason: 'malformed', usage: null });
  });

  test('a wrong API key does not retry: provider_rejected', async () => {
    const outcome = await run({
      client: createOpenAIClient({ apiKey: 'sk-wrong', baseURL: fake.baseURL, timeoutMs: 2000, maxRetries: 0 }),
    });
    expect(outcome).toMatchObject({ ok: false, reason: 'provider_rejected', providerKind: 'auth', usage: null });
  });

  test('a used-up quota (429 insufficient_quota) does not retry either', async () => {
    fake.enqueueError(429, 'You exceeded your current quota', { code: 'insufficient_quota' });
    expect(await run()).toMatchObject({ ok: false, reason: 'provider_rejected', providerKind: 'quota_exceeded' });
  });
});
