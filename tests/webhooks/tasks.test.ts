// The outbound half, through the real worker and the fake providers: webhooks recorded while no worker
// runs are processed when one starts; whatsapp.send and ghl.sync_contact map provider answers to
// success, retry (with the provider's delay) or permanent failure.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { and, eq, sql } from 'drizzle-orm';
import { type Job, jobs, leads, messages } from '../../drizzle/schema';
import { enqueue } from '../../src/jobs/queue';
import { createTaskRegistry } from '../../src/jobs/tasks';
import { createWorker, type Worker } from '../../src/jobs/worker';
import { json, type TestApp } from '../helpers/app';
import { fonnteFailure, startFakeFonnte } from '../helpers/fake-fonnte';
import { ghlError, ghlRateLimited, startFakeGhl } from '../helpers/fake-ghl';
import { seedIntegration } from '../integrations-api/support';
import { autoReplyDealer, createWebhookTestApp, type fonnteDealer, integrationRow, queueStaffReply } from './support';

const fonnte = startFakeFonnte();
const ghl = startFakeGhl();
afterAll(() => Promise.all([fonnte.close(), ghl.close()]));
beforeEach(() => {
  fonnte.reset();
  ghl.reset();
});

describe('integration jobs through the worker', () => {
  let t: TestApp;
  let worker: Worker;
  let acme: Awaited<ReturnType<typeof fonnteDealer>>;
  let token: string;
  beforeAll(async () => {
    t = await createWebhookTestApp();
    worker = createWorker({ deps: t.deps, registry: createTaskRegistry(), concurrency: 2 });
    ({ dealer: acme, token } = await autoReplyDealer(t, fonnte));
  });
  afterAll(async () => {
    await worker.stop({ timeoutMs: 1000 });
    await t.close();
  });

  /** Runs due jobs until none are left (a task may queue the next one). */
  const drain = async () => {
    for (let round = 0; round < 10 && (await worker.runOnce()) > 0; round++);
  };
  const jobsOf = (type: string) =>
    t.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.tenantId, acme.tenant.id), eq(jobs.type, type)));
  const readJob = async (id: string): Promise<Job> => (await t.db.select().from(jobs).where(eq(jobs.id, id)))[0]!;
  const makeDue = (id: string) => t.db.update(jobs).set({ runAt: sql`now()` }).where(eq(jobs.id, id));
  const secondsUntil = (date: Date) => (date.getTime() - Date.now()) / 1000;

  const queueReply = (body: string) => queueStaffReply(t, acme, token, body);
  const messageRow = async (id: string) => (await t.db.select().from(messages).where(eq(messages.id, id)))[0]!;

  test('a WhatsApp message recorded while no worker runs is followed up, and the auto-reply sent, once it starts', async () => {
    const res = await t.request(acme.host, acme.path, {
      method: 'POST',
      json: { device: fonnte.device, sender: '6281234567890', message: 'Avanza 2019 masih ada?', inboxid: '1' },
    });
    expect(await json(res)).toEqual({ ok: true, duplicate: false });
    const [followUp] = await jobsOf('lead.follow_up');
    expect(followUp!.status).toBe('queued');
    expect(fonnte.requests).toHaveLength(0);

    await drain();
    expect((await readJob(followUp!.id)).status).toBe('succeeded');
    const [send] = await jobsOf('whatsapp.send');
    expect(send!.status).toBe('succeeded');
    expect(fonnte.sent).toHaveLength(1);
    expect(fonnte.sent[0]!.target).toBe('6281234567890');
    const reply = await messageRow((send!.payload as { messageId: string }).messageId);
    expect(reply).toMatchObject({ direction: 'out', status: 'sent', providerMessageId: fonnte.sent[0]!.id });

    // Fonnte then reports it read.
    await t.request(acme.host, acme.path, { method: 'POST', json: { id: fonnte.sent[0]!.id, state: 'read' } });
    expect((await messageRow(reply.id)).status).toBe('read');
  });

  test('whatsapp.send is idempotent: a second job for a sent message sends nothing', async () => {
    const { messageId, jobId } = await queueReply('Bisa test drive Sabtu');
    await drain();
    expect((await readJob(jobId)).status).toBe('succeeded');
    expect(fonnte.sent.map((s) => s.message)).toEqual(['Bisa test drive Sabtu']);
    const again = await enqueue(t.db, { tenantId: acme.tenant.id, type: 'whatsapp.send', payload: { messageId } });
    await drain();
    expect((await readJob(again.id)).result).toMatchObject({ skipped: 'already sent' });
    expect(fonnte.sent).toHaveLength(1);
  });

  test('a 5xx retries with backoff and the message stays queued; the retry sends it', async () => {
    fonnte.enqueue({ path: '/send', status: 502, body: 'Bad Gateway' });
    const { messageId, jobId } = await queueReply('Harga OTR 185 juta');
    await drain();
    const failed = await readJob(jobId);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(secondsUntil(failed.runAt)).toBeGreaterThan(0);
    expect(await messageRow(messageId)).toMatchObject({ status: 'queued', error: expect.stringContaining('502') });

    await makeDue(jobId);
    await drain();
    expect((await readJob(jobId)).status).toBe('succeeded');
    expect(await messageRow(messageId)).toMatchObject({ status: 'sent', error: null });
  });

  test('a 429 waits as long as Retry-After says', async () => {
    fonnte.enqueue({
      path: '/send',
      status: 429,
      json: { status: false, reason: 'rate limit' },
      headers: { 'retry-after': '90' },
    });
    const { jobId } = await queueReply('Sebentar ya');
    await drain();
    const job = await readJob(jobId);
    expect(job.status).toBe('failed');
    expect(secondsUntil(job.runAt)).toBeGreaterThan(80);
    expect(secondsUntil(job.runAt)).toBeLessThan(100);
    await makeDue(jobId);
    await drain();
    expect((await readJob(jobId)).status).toBe('succeeded');
  });

  test('a transient failure on the last attempt fails the message too, not just the job', async () => {
    const { messageId, jobId } = await queueReply('Masih ada unitnya?');
    await t.db.update(jobs).set({ maxAttempts: 1 }).where(eq(jobs.id, jobId));
    fonnte.enqueue({ path: '/send', status: 502, body: 'Bad Gateway' });
    await drain();
    expect((await readJob(jobId)).status).toBe('dead');
    expect(await messageRow(messageId)).toMatchObject({ status: 'failed', error: expect.stringContaining('502') });
  });

  test('an invalid target fails the message for good; a refused token also marks the integration', async () => {
    fonnte.enqueue({ path: '/send', ...fonnteFailure('target invalid') });
    const first = await queueReply('Halo');
    await drain();
    expect((await readJob(first.jobId)).status).toBe('dead');
    expect(await messageRow(first.messageId)).toMatchObject({
      status: 'failed',
      error: 'Fonnte refused: target invalid',
    });

    fonnte.enqueue({ path: '/send', ...fonnteFailure('token invalid') });
    const second = await queueReply('Halo lagi');
    await drain();
    expect((await readJob(second.jobId)).status).toBe('dead');
    expect(await messageRow(second.messageId)).toMatchObject({ status: 'failed' });
    expect(await integrationRow(t.deps, acme.integration.id)).toMatchObject({
      status: 'error',
      errorMessage: 'Fonnte refused: token invalid',
    });
  });

  describe('ghl.sync_contact', () => {
    let integrationId: string;
    beforeAll(async () => {
      const view = await seedIntegration(t.deps, acme.tenant, 'gohighlevel', {
        apiKey: ghl.token,
        locationId: ghl.locationId,
        baseUrl: ghl.url,
      });
      integrationId = view.id;
    });

    test('a storefront inquiry is upserted into GoHighLevel and the contact id stored on the lead', async () => {
      const res = await t.request(acme.host, '/api/leads', {
        method: 'POST',
        json: { name: 'Dewi Lestari', phone: '0813-2222-3333', email: 'dewi@example.com', message: 'Ada Innova?' },
      });
      expect(res.status).toBe(201);
      const leadId = (await json(res)).data.id;
      const [sync] = await jobsOf('ghl.sync_contact');
      expect(sync!.payload).toEqual({ leadId });

      await drain();
      expect((await readJob(sync!.id)).status).toBe('succeeded');
      const upsert = ghl.requests.find((r) => r.path === '/contacts/upsert')!;
      expect(upsert.headers).toMatchObject({ authorization: `Bearer ${ghl.token}`, version: '2021-07-28' });
      expect(upsert.body).toMatchObject({
        locationId: ghl.locationId,
        name: 'Dewi Lestari',
        firstName: 'Dewi',
        lastName: 'Lestari',
        email: 'dewi@example.com',
        phone: '+6281322223333',
      });
      const [lead] = await t.db.select().from(leads).where(eq(leads.id, leadId));
      expect(lead!.externalIds).toEqual({ ghlContactId: 'ghl_contact_1' });
      expect((await integrationRow(t.deps, integrationId)).lastSyncAt).toBeInstanceOf(Date);
    });

    test('editing a lead’s name or e-mail queues a sync; editing only notes does not', async () => {
      await drain();
      const [lead] = await t.db.select().from(leads).where(eq(leads.tenantId, acme.tenant.id)).limit(1);
      const pending = async () =>
        (await jobsOf('ghl.sync_contact')).filter(
          (j) => j.status === 'queued' && (j.payload as { leadId?: string }).leadId === lead!.id,
        ).length;
      const patch = (body: Record<string, unknown>) =>
        t.request(acme.host, `/api/admin/leads/${lead!.id}`, { method: 'PATCH', token, json: body });
      expect((await patch({ notes: 'Prefers weekend calls' })).status).toBe(200);
      expect(await pending()).toBe(0);
      expect((await patch({ name: 'Dewi L.' })).status).toBe(200);
      expect(await pending()).toBe(1);
      await drain();
    });

    test('a 429 backs off for the rate-limit interval GoHighLevel gives, then succeeds', async () => {
      ghl.enqueue({ path: '/contacts/upsert', ...ghlRateLimited(45_000) });
      const [lead] = await t.db.select().from(leads).where(eq(leads.tenantId, acme.tenant.id)).limit(1);
      const job = await enqueue(t.db, {
        tenantId: acme.tenant.id,
        type: 'ghl.sync_contact',
        payload: { leadId: lead!.id },
      });
      await drain();
      const waiting = await readJob(job.id);
      expect(waiting.status).toBe('failed');
      expect(waiting.lastError).toContain('429');
      expect(secondsUntil(waiting.runAt)).toBeGreaterThan(40);
      expect(secondsUntil(waiting.runAt)).toBeLessThan(50);

      await makeDue(job.id);
      await drain();
      expect((await readJob(job.id)).status).toBe('succeeded');
    });

    test('a refused token is permanent and puts the integration in error', async () => {
      ghl.enqueue({ path: '/contacts/upsert', ...ghlError(401, 'Invalid JWT') });
      const [lead] = await t.db.select().from(leads).where(eq(leads.tenantId, acme.tenant.id)).limit(1);
      const job = await enqueue(t.db, {
        tenantId: acme.tenant.id,
        type: 'ghl.sync_contact',
        payload: { leadId: lead!.id },
      });
      await drain();
      expect((await readJob(job.id)).status).toBe('dead');
      expect(await integrationRow(t.deps, integrationId)).toMatchObject({ status: 'error' });
    });
  });
});
