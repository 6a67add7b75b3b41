// The real openai SDK against the fake: plain and structured completions, refusals, models list,
// and SDK errors mapped to ProviderError.
import { afterAll, beforeEach, describe, expect, test } from 'bun:test';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { createOpenAIClient, listModels, toOpenAIProviderError } from '../../src/integrations/openai-client';
import { ProviderError } from '../../src/integrations/provider-error';
import { startFakeOpenAI } from '../helpers/fake-openai';

const fake = startFakeOpenAI();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const client = (overrides: Partial<Parameters<typeof createOpenAIClient>[0]> = {}) =>
  createOpenAIClient({ apiKey: fake.apiKey, baseURL: fake.baseURL, timeoutMs: 2000, ...overrides });

const LeadScore = z.object({
  score: z.number().int().min(0).max(100),
  temperature: z.enum(['hot', 'warm', 'cold']),
  reason: z.string(),
  interestedModel: z.string().nullable(),
});

const messages = [{ role: 'user' as const, content: 'Avanza 2019 masih ada? Bisa kredit?' }];

async function providerFailure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (err) {
    return toOpenAIProviderError(err);
  }
  throw new Error('expected a failure');
}

describe('chat completions through the real SDK', () => {
  test('plain completion', async () => {
    fake.enqueueCompletion('Halo! Unitnya masih ada.');
    const completion = await client().chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(completion.choices[0]!.message.content).toBe('Halo! Unitnya masih ada.');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    const req = fake.requests[0]!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(req.body).toMatchObject({ model: 'gpt-4o-mini', messages });
  });

  test('structured output parsed with zodResponseFormat', async () => {
    fake.enqueueCompletion({
      score: 82,
      temperature: 'hot',
      reason: 'Asks about credit',
      interestedModel: 'Avanza',
    });
    const completion = await client().chat.completions.parse({
      model: 'gpt-4o-mini',
      messages,
      response_format: zodResponseFormat(LeadScore, 'lead_score'),
    });
    expect(completion.choices[0]!.message.parsed).toEqual({
      score: 82,
      temperature: 'hot',
      reason: 'Asks about credit',
      interestedModel: 'Avanza',
    });
    const sent = fake.requests[0]!.body as {
      response_format: { type: string; json_schema: { name: string } };
    };
    expect(sent.response_format.type).toBe('json_schema');
    expect(sent.response_format.json_schema.name).toBe('lead_score');
  });

  test('without a script, the fake answers a valid object for the requested schema', async () => {
    const completion = await client().chat.completions.parse({
      model: 'gpt-4o-mini',
      messages,
      response_format: zodResponseFormat(LeadScore, 'lead_score'),
    });
    expect(LeadScore.safeParse(completion.choices[0]!.message.parsed).success).toBe(true);
  });

  test('a refusal comes back as message.refusal with nothing parsed', async () => {
    fake.enqueueRefusal("I'm sorry, I can't help with that.");
    const completion = await client().chat.completions.parse({
      model: 'gpt-4o-mini',
      messages,
      response_format: zodResponseFormat(LeadScore, 'lead_score'),
    });
    const message = completion.choices[0]!.message;
    expect(message.refusal).toBe("I'm sorry, I can't help with that.");
    expect(message.parsed).toBeNull();
  });

  test('output cut off by the length limit is a permanent rejection', async () => {
    fake.enqueueCompletion('{"score": 8', { finishReason: 'length' });
    const err = await providerFailure(
      client().chat.completions.parse({
        model: 'gpt-4o-mini',
        messages,
        response_format: zodResponseFormat(LeadScore, 'lead_score'),
      }),
    );
    expect(err).toMatchObject({ provider: 'openai', kind: 'rejected', retryable: false });
  });

  test('content that does not match the schema is a permanent malformed response', async () => {
    fake.enqueueCompletion({ score: 'high' });
    const err = await providerFailure(
      client().chat.completions.parse({
        model: 'gpt-4o-mini',
        messages,
        response_format: zodResponseFormat(LeadScore, 'lead_score'),
      }),
    );
    expect(err).toMatchObject({ kind: 'malformed_response', retryable: false });
  });
});

describe('errors', () => {
  test('429 is retryable with retry-after, and is not retried by the SDK (maxRetries 0)', async () => {
    fake.enqueueError(429, 'Rate limit reached for gpt-4o-mini', {
      code: 'rate_limit_exceeded',
      headers: { 'retry-after': '2' },
    });
    const err = await providerFailure(client().chat.completions.create({ model: 'gpt-4o-mini', messages }));
    expect(err).toMatchObject({ kind: 'rate_limited', status: 429, retryable: true, retryAfterMs: 2000 });
    expect(fake.requests).toHaveLength(1);
  });

  test('retry-after-ms wins when present', async () => {
    fake.enqueueError(429, 'slow down', { headers: { 'retry-after-ms': '1500', 'retry-after': '9' } });
    expect((await providerFailure(listModels(client()))).retryAfterMs).toBe(1500);
  });

  test('insufficient_quota 429 is permanent', async () => {
    fake.enqueueError(429, 'You exceeded your current quota', {
      code: 'insufficient_quota',
      type: 'insufficient_quota',
    });
    const err = await providerFailure(client().chat.completions.create({ model: 'gpt-4o-mini', messages }));
    expect(err).toMatchObject({ kind: 'quota_exceeded', retryable: false });
  });

  test('500 is retryable', async () => {
    fake.enqueueError(500, 'The server had an error while processing your request.');
    const err = await providerFailure(client().chat.completions.create({ model: 'gpt-4o-mini', messages }));
    expect(err).toMatchObject({ kind: 'server_error', status: 500, retryable: true });
    expect(fake.requests).toHaveLength(1);
  });

  test('a wrong key is permanent auth', async () => {
    const err = await providerFailure(
      client({ apiKey: 'sk-wrong' }).chat.completions.create({ model: 'gpt-4o-mini', messages }),
    );
    expect(err).toMatchObject({ kind: 'auth', status: 401, retryable: false });
    expect(err.message).toContain('Incorrect API key');
  });

  test('400 is a permanent invalid request', async () => {
    const err = await providerFailure(client().chat.completions.create({ model: 'gpt-4o-mini', messages: [] }));
    expect(err).toMatchObject({ kind: 'invalid_request', status: 400 });
  });

  test('a slow answer times out (retryable) at the configured timeout', async () => {
    fake.enqueue({ delayMs: 500, path: '/v1/chat/completions' });
    const started = Date.now();
    const err = await providerFailure(
      client({ timeoutMs: 100 }).chat.completions.create({ model: 'gpt-4o-mini', messages }),
    );
    expect(err).toMatchObject({ kind: 'timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(450);
  });

  test('an unreachable endpoint is a retryable network error', async () => {
    const gone = startFakeOpenAI();
    const baseURL = gone.baseURL;
    await gone.close();
    const err = await providerFailure(listModels(client({ baseURL })));
    expect(err).toMatchObject({ kind: 'network', retryable: true });
  });

  test('a malformed body on 200 is a permanent malformed response', async () => {
    fake.enqueue({
      path: '/v1/chat/completions',
      body: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    const err = await providerFailure(client().chat.completions.create({ model: 'gpt-4o-mini', messages }));
    expect(err).toMatchObject({ kind: 'malformed_response', retryable: false });
  });
});

describe('createOpenAIClient and listModels', () => {
  test('listModels returns the ids (the connection test)', async () => {
    expect(await listModels(client())).toEqual(['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small']);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models' });
  });

  test('listModels with a bad key throws a ProviderError', async () => {
    await expect(listModels(client({ apiKey: 'bad' }))).rejects.toBeInstanceOf(ProviderError);
  });

  test('sets timeout and maxRetries explicitly', () => {
    const c = client({ timeoutMs: 1234 });
    expect(c.timeout).toBe(1234);
    expect(c.maxRetries).toBe(0);
    expect(c.baseURL).toBe(fake.baseURL);
  });

  test('refuses a missing key with a permanent auth error', () => {
    expect(() => createOpenAIClient({ apiKey: '', timeoutMs: 1000 })).toThrow(ProviderError);
  });

  test('a custom fetch is used', async () => {
    let calls = 0;
    const counting: typeof fetch = Object.assign(
      (input: string | URL | Request, init?: RequestInit) => {
        calls++;
        return fetch(input, init);
      },
      { preconnect: fetch.preconnect },
    );
    await listModels(client({ fetch: counting }));
    expect(calls).toBe(1);
  });
});
