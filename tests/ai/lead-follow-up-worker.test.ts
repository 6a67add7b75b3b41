// The real worker around lead.follow_up: a 5xx or 429 from the model leaves the job failed with a
// backoff (nothing written to the lead), and the next run qualifies it with the model.
import { afterAll, beforeAll, beforeEach, expect, test } from 'bun:test';
import { and, eq, sql } from 'drizzle-orm';
import { jobs, leads, messages, type Tenant } from '../../drizzle/schema';
import { createTaskRegistry } from '../../src/jobs/tasks';
import { createWorker } from '../../src/jobs/worker';
import { createTenant, createTestApp, json, type TestApp } from '../helpers/app';
import { startFakeOpenAI } from '../helpers/fake-openai';
import { insertCar } from './fixtures';

const fake = startFakeOpenAI();
let t: TestApp;
let acme: Tenant;
let carId: string;

beforeAll(async () => {
  t = await createTestApp({ env: { OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.baseURL } });
  acme = await createTenant(t.deps, { slug: 'acme', name: 'Acme Auto' });
  carId = (await insertCar(t.db, acme.id, { brand: 'Toyota', model: 'Avanza', year: 2019, price: 175_000_000 })).id;
}, 60_000);
afterAll(async () => {
  await t.close();
  await fake.close();
});
beforeEach(() => fake.reset());

const answer = () => ({
  intent: 'buy',
  interest: {
    brand: 'Toyota',
    model: 'Avanza',
    yearMin: null,
    yearMax: null,
    budgetMax: null,
    transmission: null,
    fuel: null,
    bodyType: null,
  },
  temperature: 'warm',
  score: 60,
  matchedCarIds: [carId],
  replyDraft: 'Halo Kak, Avanza 2019 ready. Mau lihat unitnya?',
  reasoning: 'Menanyakan model tanpa budget.',
});

async function inquiryJob(phone: string) {
  const res = await t.request('acme.localhost', '/api/leads', {
    method: 'POST',
    json: { name: 'Sari', phone, message: 'avanza ada?' },
  });
  const leadId = (await json(res)).data.id as string;
  const [job] = await t.db
    .select()
    .from(jobs)
    .where(and(eq(jobs.type, 'lead.follow_up'), sql`${jobs.payload}->>'leadId' = ${leadId}`));
  return { leadId, jobId: job!.id };
}

const jobRow = async (id: string) => (await t.db.select().from(jobs).where(eq(jobs.id, id)))[0]!;

for (const [what, fail] of [
  ['a 5xx', () => fake.enqueueError(500, 'The server had an error while processing your request.')],
  ['a 429', () => fake.enqueueError(429, 'Rate limit reached for gpt-4o-mini', { code: 'rate_limit_exceeded' })],
] as const) {
  test(`${what} from the model fails the attempt with backoff; the retry qualifies the lead`, async () => {
    const { leadId, jobId } = await inquiryJob(what === 'a 5xx' ? '081355550001' : '081355550002');
    const worker = createWorker({ deps: t.deps, registry: createTaskRegistry() });

    fail();
    await worker.runOnce();
    const failed = await jobRow(jobId);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.lastError).toContain('OpenAI answered');
    expect(failed.runAt.getTime()).toBeGreaterThan(Date.now());
    expect((await t.db.select().from(leads).where(eq(leads.id, leadId)))[0]!.qualification).toBeNull();

    await t.db
      .update(jobs)
      .set({ runAt: new Date(Date.now() - 1000) })
      .where(eq(jobs.id, jobId));
    fake.enqueueCompletion(answer());
    await worker.runOnce();
    expect(await jobRow(jobId)).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect((await t.db.select().from(leads).where(eq(leads.id, leadId)))[0]!.qualification).toMatchObject({
      path: 'model',
      score: 60,
    });
    const replies = await t.db
      .select()
      .from(messages)
      .where(and(eq(messages.leadId, leadId), eq(messages.direction, 'out')));
    expect(replies.map((m) => m.body)).toEqual(['Halo Kak, Avanza 2019 ready. Mau lihat unitnya?']);
    expect(fake.requests).toHaveLength(2);
  });
}
