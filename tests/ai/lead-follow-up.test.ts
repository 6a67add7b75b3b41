// lead.follow_up end to end with the model in front: a storefront inquiry through the API, the queued
// job run through the real task, the real openai SDK talking to the local double.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { and, eq, sql } from 'drizzle-orm';
import {
  type Car,
  integrations,
  integrationTemplates,
  type Job,
  jobs,
  leads,
  messages,
  type Tenant,
} from '../../drizzle/schema';
import { findUsage, usageMonth } from '../../src/ai/usage';
import { ProviderError } from '../../src/integrations/provider-error';
import { isFinalAttempt, RetryLaterError, type TaskContext } from '../../src/jobs/registry';
import { leadFollowUp } from '../../src/jobs/tasks/lead-follow-up';
import { createTenant, createTestApp, createUser, json, type TestApp, tokenFor } from '../helpers/app';
import { chatCompletion, startFakeOpenAI } from '../helpers/fake-openai';
import { insertCar } from './fixtures';

const fake = startFakeOpenAI();
let t: TestApp;
let acme: Tenant;
let rival: Tenant;
const car: Record<string, Car> = {};
let phoneSeq = 0;

beforeAll(async () => {
  t = await createTestApp({
    env: {
      OPENAI_API_KEY: fake.apiKey,
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_MODEL: 'gpt-4o-mini',
      AI_TIMEOUT_MS: '300',
      AI_MONTHLY_CALL_CAP: '1000',
    },
  });
  acme = await createTenant(t.deps, { slug: 'acme', name: 'Acme Auto' });
  rival = await createTenant(t.deps, { slug: 'rival', name: 'Rival Cars' });
  car.avanza = await insertCar(t.db, acme.id, {
    brand: 'Toyota',
    model: 'Avanza',
    variant: '1.3 G',
    year: 2019,
    price: 175_000_000,
  });
  car.xenia = await insertCar(t.db, acme.id, { brand: 'Daihatsu', model: 'Xenia', year: 2019, price: 160_000_000 });
  car.rivalAvanza = await insertCar(t.db, rival.id, {
    brand: 'Toyota',
    model: 'Avanza',
    year: 2019,
    price: 150_000_000,
    title: '2019 Toyota Avanza Rival Special',
  });
}, 60_000);
afterAll(async () => {
  await t.close();
  await fake.close();
});
beforeEach(() => fake.reset());

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
    score: 91,
    matchedCarIds: [car.avanza!.id],
    replyDraft: 'Halo Kak Budi, Avanza 1.3 G 2019 ada di Rp 175.000.000. Mau test drive hari Sabtu?',
    reasoning: 'Model, tahun, budget jelas; menanyakan kredit.',
    ...overrides,
  };
}

async function inquire(message: string, tenant = 'acme', phone?: string) {
  const res = await t.request(`${tenant}.localhost`, '/api/leads', {
    method: 'POST',
    json: { name: 'Budi', message, phone: phone ?? `0813${String(20_000_000 + ++phoneSeq).slice(-8)}` },
  });
  expect(res.status).toBe(201);
  const leadId = (await json(res)).data.id as string;
  const [job] = await t.db
    .select()
    .from(jobs)
    .where(and(eq(jobs.type, 'lead.follow_up'), eq(jobs.status, 'queued'), sql`${jobs.payload}->>'leadId' = ${leadId}`))
    .limit(1);
  return { leadId, job: job! };
}

function run(job: Job, attempts = 1) {
  const ctx: TaskContext = {
    deps: t.deps,
    job: { ...job, attempts },
    log: t.deps.log,
    signal: new AbortController().signal,
    finalAttempt: isFinalAttempt({ ...job, attempts }, leadFollowUp),
    progress: async () => {},
  };
  return leadFollowUp.run(job.payload as { leadId: string }, ctx) as Promise<Record<string, any>>;
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the job to throw');
}

const leadRow = async (id: string) => (await t.db.select().from(leads).where(eq(leads.id, id)))[0]!;
const outbound = (id: string) =>
  t.db
    .select()
    .from(messages)
    .where(and(eq(messages.leadId, id), eq(messages.direction, 'out')));

describe('a good model answer', () => {
  test('qualifies the lead, stores the draft, and shows in the lead detail', async () => {
    fake.enqueueCompletion(answer());
    const { leadId, job } = await inquire('Avanza 2019 matic masih ada? budget 180jt bisa kredit?');
    const result = await run(job);
    expect(result).toMatchObject({ path: 'model', score: 91, temperature: 'hot', matchedCarIds: [car.avanza!.id] });

    const lead = await leadRow(leadId);
    expect(lead).toMatchObject({ score: 91, status: 'hot' });
    expect(lead.qualification).toMatchObject({
      path: 'model',
      intent: 'buy',
      temperature: 'hot',
      score: 91,
      matchedCarIds: [car.avanza!.id],
      reasoning: 'Model, tahun, budget jelas; menanyakan kredit.',
      model: 'gpt-4o-mini-2024-07-18',
      account: 'operator',
      interest: { brand: 'Toyota', model: 'Avanza', budgetMax: 180_000_000 },
      rulesInterest: { model: 'Avanza' },
    });
    const [draft] = await outbound(leadId);
    expect(draft).toMatchObject({ status: 'draft', channel: 'whatsapp', body: answer().replyDraft });

    const owner = await createUser(t.deps, acme.id, { role: 'owner' });
    const res = await t.request('acme.localhost', `/api/admin/leads/${leadId}`, {
      token: await tokenFor(t.deps, owner),
    });
    const { data } = await json(res);
    expect(data.qualification).toMatchObject({ path: 'model', intent: 'buy', score: 91, temperature: 'hot' });
    expect(data.messages.map((m: { status: string }) => m.status)).toEqual(['received', 'draft']);

    const usage = await findUsage({ db: t.db, tenantId: acme.id, month: usageMonth(t.deps.clock.now()) });
    expect(usage!.calls).toBeGreaterThanOrEqual(1);
    expect(usage!.totalTokens).toBeGreaterThan(0);
  });

  test('a car id the model invented never reaches the lead', async () => {
    fake.enqueueCompletion(answer({ matchedCarIds: [car.rivalAvanza!.id, '00000000-0000-7000-8000-000000000000'] }));
    const { leadId, job } = await inquire('ada avanza?');
    await run(job);
    expect((await leadRow(leadId)).qualification).toMatchObject({
      path: 'model',
      matchedCarIds: [],
      droppedCarIds: [car.rivalAvanza!.id, '00000000-0000-7000-8000-000000000000'],
    });
  });

  test("the prompt holds this tenant's stock and conversation only, never another tenant's cars or a key", async () => {
    fake.enqueueCompletion(answer());
    const { job } = await inquire('Toyota Avanza 2019 murah ada? yang paling murah');
    await run(job);
    const raw = fake.requests[0]!.rawBody;
    expect(raw).toContain(car.avanza!.id);
    expect(raw).not.toContain(car.rivalAvanza!.id);
    expect(raw).not.toContain('Rival Special');
    expect(raw).not.toContain(car.rivalAvanza!.slug);
    expect(raw).not.toContain(fake.apiKey);
    expect(raw).toContain('Acme Auto');
  });

  test('the next message sees the conversation (not the unsent draft), and the rules still remember the budget', async () => {
    const phone = '081377770001';
    fake.enqueueCompletion(answer());
    await run((await inquire('Avanza 2019 budget 180jt', 'acme', phone)).job);
    fake.enqueueCompletion(answer({ score: 95 }));
    const { leadId, job } = await inquire('bisa test drive besok?', 'acme', phone);
    await run(job);
    const raw = fake.requests[1]!.rawBody;
    expect(raw).toContain('Avanza 2019 budget 180jt');
    expect(raw).toContain('bisa test drive besok?');
    expect(raw).not.toContain('Mau test drive hari Sabtu');
    expect((await leadRow(leadId)).qualification).toMatchObject({
      path: 'model',
      score: 95,
      rulesInterest: { model: 'Avanza', budget: { amount: 180_000_000 } },
    });
  });

  test('with autoReply on and WhatsApp connected, the draft is sent through whatsapp.send', async () => {
    const auto = await createTenant(t.deps, { slug: 'auto-ai', name: 'Auto AI', settings: { autoReply: true } });
    const autoCar = await insertCar(t.db, auto.id, {
      brand: 'Toyota',
      model: 'Avanza',
      year: 2019,
      price: 170_000_000,
    });
    await t.db
      .insert(integrationTemplates)
      .values({ name: 'fonnte', displayName: 'Fonnte', category: 'messaging', configSchema: {} })
      .onConflictDoNothing();
    const [template] = await t.db.select().from(integrationTemplates).where(eq(integrationTemplates.name, 'fonnte'));
    await t.db
      .insert(integrations)
      .values({ tenantId: auto.id, templateId: template!.id, template: 'fonnte', name: 'WA', status: 'active' });
    fake.enqueueCompletion(answer({ matchedCarIds: [autoCar.id], replyDraft: 'Halo, unitnya ready. Kapan mampir?' }));
    const { leadId, job } = await inquire('avanza 2019?', 'auto-ai');
    const result = await run(job);
    expect(result).toMatchObject({ path: 'model', replyStatus: 'queued' });
    const [reply] = await outbound(leadId);
    expect(reply).toMatchObject({ status: 'queued', body: 'Halo, unitnya ready. Kapan mampir?' });
    const [send] = await t.db.select().from(jobs).where(eq(jobs.id, result.sendJobId));
    expect(send).toMatchObject({ type: 'whatsapp.send', payload: { messageId: reply!.id } });
  });
});

describe('when the model cannot be used', () => {
  test('a timeout retries the job and writes nothing; on the last attempt the rules answer', async () => {
    const { leadId, job } = await inquire('Avanza 2019 budget 180jt');
    fake.enqueue({ path: '/v1/chat/completions', delayMs: 1000, json: chatCompletion({ content: '{}' }) });
    const err = await failure(run(job, 1));
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('timeout');
    expect(await outbound(leadId)).toHaveLength(0);
    expect((await leadRow(leadId)).qualification).toBeNull();

    fake.enqueue({ path: '/v1/chat/completions', delayMs: 1000, json: chatCompletion({ content: '{}' }) });
    const result = await run(job, 5);
    expect(result).toMatchObject({ path: 'rules', fallbackReason: 'model_unavailable' });
    expect((await leadRow(leadId)).qualification).toMatchObject({ path: 'rules', fallbackReason: 'model_unavailable' });
    expect(await outbound(leadId)).toHaveLength(1);
  });

  test('a 429 retries the job after the delay the API asked for', async () => {
    const { leadId, job } = await inquire('ada xenia?');
    fake.enqueueError(429, 'Rate limit reached', { headers: { 'retry-after': '20' } });
    const err = await failure(run(job));
    expect(err).toBeInstanceOf(RetryLaterError);
    expect((err as RetryLaterError).retryAfterMs).toBe(20_000);
    expect(await outbound(leadId)).toHaveLength(0);
  });

  test('a malformed answer falls back to the rules and records why', async () => {
    fake.enqueueCompletion({ intent: 'buy', score: 'very high' });
    const { leadId, job } = await inquire('Avanza 2019 budget 180jt');
    const result = await run(job);
    expect(result).toMatchObject({ path: 'rules', fallbackReason: 'malformed', score: 55, temperature: 'warm' });
    const lead = await leadRow(leadId);
    expect(lead.qualification).toMatchObject({ path: 'rules', fallbackReason: 'malformed', temperature: 'warm' });
    expect((lead.qualification as { fallbackDetail: string }).fallbackDetail).toContain('score');
    const [draft] = await outbound(leadId);
    expect(draft!.body).toStartWith('Halo Budi, terima kasih sudah menghubungi Acme Auto!');
  });

  test('a refusal falls back to the rules and records why', async () => {
    fake.enqueueRefusal('I cannot assist with that request.');
    const { leadId, job } = await inquire('Avanza 2019 budget 180jt');
    expect(await run(job)).toMatchObject({ path: 'rules', fallbackReason: 'refused' });
    expect((await leadRow(leadId)).qualification).toMatchObject({
      path: 'rules',
      fallbackReason: 'refused',
      fallbackDetail: 'I cannot assist with that request.',
    });
  });

  test('once the monthly cap is reached, the rules answer and no request is made', async () => {
    const capped = await createTenant(t.deps, {
      slug: 'capped',
      name: 'Capped Cars',
      settings: { autoReply: false, aiMonthlyCallCap: 1 },
    });
    await insertCar(t.db, capped.id, { brand: 'Toyota', model: 'Avanza', year: 2019, price: 170_000_000 });
    fake.enqueueCompletion(answer({ matchedCarIds: [] }));
    expect(await run((await inquire('avanza?', 'capped')).job)).toMatchObject({ path: 'model' });
    expect(fake.requests).toHaveLength(1);
    const { leadId, job } = await inquire('xenia?', 'capped');
    expect(await run(job)).toMatchObject({ path: 'rules', fallbackReason: 'cap_reached' });
    expect(fake.requests).toHaveLength(1);
    expect((await leadRow(leadId)).qualification).toMatchObject({ path: 'rules', fallbackReason: 'cap_reached' });
  });
});
