import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, desc, eq } from 'drizzle-orm';
import {
  auditLogs,
  type Car,
  integrations,
  integrationTemplates,
  type Job,
  jobs,
  leads,
  messages,
  type Tenant,
  tenantDomains,
  tenants,
} from '../../drizzle/schema';
import type { TaskContext } from '../../src/jobs/registry';
import { leadFollowUp } from '../../src/jobs/tasks/lead-follow-up';
import { createTenant, createTestApp, json, type TestApp } from '../helpers/app';
import { insertCar } from './fixtures';

describe('lead.follow_up task (rules, no AI)', () => {
  let t: TestApp;
  let acme: Tenant;
  const car: Record<string, Car> = {};
  let phoneSeq = 0;

  beforeAll(async () => {
    t = await createTestApp();
    acme = await createTenant(t.deps, { slug: 'acme', name: 'Acme Auto' });
    const add = async (key: string, v: Parameters<typeof insertCar>[2]) => {
      car[key] = await insertCar(t.db, acme.id, v);
    };
    await add('avanza19', {
      brand: 'Toyota',
      model: 'Avanza',
      variant: '1.3 G',
      year: 2019,
      price: 180_000_000,
      transmission: 'manual',
    });
    await add('avanza18', {
      brand: 'Toyota',
      model: 'Avanza',
      variant: '1.3 E',
      year: 2018,
      price: 160_000_000,
      transmission: 'manual',
    });
    await add('avanza21', { brand: 'Toyota', model: 'Avanza', variant: '1.5 G', year: 2021, price: 230_000_000 });
    await add('innova20', { brand: 'Toyota', model: 'Innova', variant: '2.4 V', year: 2020, price: 290_000_000 });
    await add('innova20m', {
      brand: 'Toyota',
      model: 'Innova',
      variant: '2.0 G',
      year: 2020,
      price: 250_000_000,
      transmission: 'manual',
    });
    await add('innova21', { brand: 'Toyota', model: 'Innova', variant: '2.4 Q', year: 2021, price: 350_000_000 });
    await add('fortuner19', {
      brand: 'Toyota',
      model: 'Fortuner',
      variant: 'VRZ',
      year: 2019,
      price: 440_000_000,
      status: 'booking',
    });
    await add('fortunerSold', {
      brand: 'Toyota',
      model: 'Fortuner',
      variant: 'SRZ',
      year: 2020,
      price: 450_000_000,
      status: 'sold',
    });
    await add('brio18', {
      brand: 'Honda',
      model: 'Brio',
      variant: 'Satya E',
      year: 2018,
      price: 130_000_000,
      transmission: 'manual',
    });
    await add('brioDraft', {
      brand: 'Honda',
      model: 'Brio',
      variant: 'RS',
      year: 2018,
      price: 140_000_000,
      transmission: 'manual',
      status: 'draft',
    });
    await add('brio18at', { brand: 'Honda', model: 'Brio', variant: 'RS', year: 2018, price: 150_000_000 });
  }, 60_000);
  afterAll(() => t.close());

  /** A storefront inquiry through the API, then its queued follow-up job run directly. */
  async function inquireAndRun(message: string, extra: Record<string, unknown> = {}, tenant = 'acme') {
    const phone = (extra.phone as string) ?? `0813${String(10_000_000 + ++phoneSeq).slice(-8)}`;
    const res = await t.request(`${tenant}.localhost`, '/api/leads', {
      method: 'POST',
      json: { name: 'Budi', message, ...extra, phone },
    });
    expect(res.status).toBe(201);
    const leadId = (await json(res)).data.id as string;
    const [job] = await t.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.type, 'lead.follow_up'), eq(jobs.status, 'queued')))
      .orderBy(desc(jobs.createdAt), desc(jobs.id))
      .limit(1);
    expect((job!.payload as { leadId: string }).leadId).toBe(leadId);
    const result = (await run(job!)) as Record<string, any>;
    return { leadId, job: job!, result };
  }

  function run(job: Job) {
    const ctx: TaskContext = {
      deps: t.deps,
      job,
      log: t.deps.log,
      signal: new AbortController().signal,
      finalAttempt: false,
      progress: async () => {},
    };
    return leadFollowUp.run(job.payload as { leadId: string; messageId: string }, ctx);
  }

  const leadRow = async (id: string) => (await t.db.select().from(leads).where(eq(leads.id, id)))[0]!;
  const replyOf = async (id: string) =>
    await t.db
      .select()
      .from(messages)
      .where(and(eq(messages.leadId, id), eq(messages.direction, 'out')));

  test('"Avanza 2019 budget 180jt": warm lead, a draft naming the matches with storefront links', async () => {
    const { leadId, result } = await inquireAndRun('Avanza 2019 budget 180jt');
    expect(result).toMatchObject({ score: 55, temperature: 'warm', replyStatus: 'draft', sendJobId: null });
    expect(result.matchedCarIds).toEqual([car.avanza19!.id, car.avanza18!.id]);
    const lead = await leadRow(leadId);
    expect(lead).toMatchObject({ score: 55, status: 'warm' });
    expect(lead.qualification).toMatchObject({
      path: 'rules',
      temperature: 'warm',
      interest: { model: 'Avanza', year: 2019, budget: { kind: 'around', amount: 180_000_000 } },
      matchedCarIds: result.matchedCarIds,
    });
    const replies = await replyOf(leadId);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ status: 'draft', channel: 'whatsapp' });
    const body = replies[0]!.body;
    expect(body).toStartWith('Halo Budi, terima kasih sudah menghubungi Acme Auto!');
    expect(body).toContain(`2019 Toyota Avanza 1.3 G — Rp 180.000.000`);
    expect(body).toContain(`http://acme.localhost/cars/${car.avanza19!.slug}`);
    expect(body).toContain(`http://acme.localhost/cars/${car.avanza18!.slug}`);
    expect(body).not.toContain(car.avanza21!.slug);
    const audit = await t.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.targetId, leadId), eq(auditLogs.action, 'lead.qualified')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorType).toBe('system');
  });

  test('running the same job again changes nothing (idempotent)', async () => {
    const { leadId, job } = await inquireAndRun('cari innova matic di bawah 300 juta');
    expect(await run(job)).toEqual({ skipped: 'already_answered', leadId });
    expect(await replyOf(leadId)).toHaveLength(1);
  });

  test('"cari innova matic di bawah 300 juta": only automatic Innovas under the ceiling', async () => {
    const { result } = await inquireAndRun('cari innova matic di bawah 300 juta');
    expect(result.matchedCarIds).toEqual([car.innova20!.id]);
  });

  test('English inquiry gets an English reply; a car on hold is marked', async () => {
    const { leadId, result } = await inquireAndRun('looking for an automatic Fortuner around Rp 450.000.000');
    expect(result.matchedCarIds).toEqual([car.fortuner19!.id]);
    const body = (await replyOf(leadId))[0]!.body;
    expect(body).toStartWith('Hi Budi, thank you for contacting Acme Auto!');
    expect(body).toContain('(on hold)');
    expect(body).toContain('Would you like to book a viewing or a test drive?');
  });

  test('"ada brio manual tahun 2018?": published manual Brios only', async () => {
    const { result } = await inquireAndRun('ada brio manual tahun 2018?');
    expect(result.matchedCarIds).toEqual([car.brio18!.id]);
  });

  test('nothing fits strictly: the closest cars of that model, said so', async () => {
    const { leadId, result } = await inquireAndRun('innova 2015 di bawah 100 juta');
    expect(result.matchedCarIds).toHaveLength(3);
    expect((await replyOf(leadId))[0]!.body).toContain('Belum ada yang persis sesuai kriteria');
  });

  test('no such car at all: a polite holding reply with no links', async () => {
    const { leadId, result } = await inquireAndRun('ada Suzuki Jimny?');
    expect(result.matchedCarIds).toEqual([]);
    const body = (await replyOf(leadId))[0]!.body;
    expect(body).toContain('belum tersedia');
    expect(body).not.toContain('http');
  });

  test('an inquiry from a listing puts that car first even when the text names none', async () => {
    const { result } = await inquireAndRun('masih ada?', { carSlug: car.brio18at!.slug });
    expect(result.matchedCarIds[0]).toBe(car.brio18at!.id);
    expect(result.score).toBe(40); // contact + model (from the listing) + listing
  });

  test('a follow-up message keeps what was said before and can make the lead hot', async () => {
    const phone = '081399990001';
    await inquireAndRun('Avanza 2019 budget 180jt', { phone });
    const { leadId, result } = await inquireAndRun('bisa test drive besok? bayar cash', { phone });
    expect(result).toMatchObject({ temperature: 'hot', score: 100 });
    expect(result.matchedCarIds).toEqual([car.avanza19!.id, car.avanza18!.id]);
    expect((await leadRow(leadId)).status).toBe('hot');
    expect(await replyOf(leadId)).toHaveLength(2);
  });

  test('a status set by staff is kept; the score still moves', async () => {
    const phone = '081399990002';
    const { leadId } = await inquireAndRun('halo', { phone });
    expect((await leadRow(leadId)).status).toBe('cold');
    await t.db.update(leads).set({ status: 'lost' }).where(eq(leads.id, leadId));
    await inquireAndRun('test drive fortuner hari ini', { phone });
    expect(await leadRow(leadId)).toMatchObject({ status: 'lost', score: 70 });
  });

  test('autoReply on and WhatsApp connected: the reply is queued with a whatsapp.send job', async () => {
    const tenant = await createTenant(t.deps, { slug: 'auto', name: 'Auto Motors', settings: { autoReply: true } });
    await insertCar(t.db, tenant.id, { brand: 'Toyota', model: 'Avanza', year: 2019, price: 180_000_000 });
    // autoReply alone is not enough: without a connected Fonnte integration it stays a draft.
    const first = await inquireAndRun('avanza?', {}, 'auto');
    expect(first.result).toMatchObject({ replyStatus: 'draft', sendJobId: null });

    // The built-in templates are seeded on every database.
    const [template] = await t.db.select().from(integrationTemplates).where(eq(integrationTemplates.name, 'fonnte'));
    await t.db
      .insert(integrations)
      .values({ tenantId: tenant.id, templateId: template!.id, template: 'fonnte', name: 'WA', status: 'active' });
    const { leadId, result } = await inquireAndRun('avanza 2019?', {}, 'auto');
    expect(result.replyStatus).toBe('queued');
    const [reply] = await replyOf(leadId);
    expect(reply!.status).toBe('queued');
    const [send] = await t.db.select().from(jobs).where(eq(jobs.id, result.sendJobId));
    expect(send).toMatchObject({ type: 'whatsapp.send', tenantId: tenant.id, payload: { messageId: reply!.id } });

    // Turning autoReply off goes back to drafts.
    await t.db
      .update(tenants)
      .set({ settings: { autoReply: false } })
      .where(eq(tenants.id, tenant.id));
    const off = await inquireAndRun('avanza 2018?', {}, 'auto');
    expect(off.result.replyStatus).toBe('draft');
  });

  test("links use the tenant's primary domain when it has one", async () => {
    const tenant = await createTenant(t.deps, { slug: 'prim', name: 'Prim Motors' });
    await t.db.insert(tenantDomains).values({ tenantId: tenant.id, domain: 'www.prim-motors.co.id', isPrimary: true });
    const c = await insertCar(t.db, tenant.id, { brand: 'Toyota', model: 'Avanza', year: 2019, price: 180_000_000 });
    const { leadId } = await inquireAndRun('avanza', {}, 'prim');
    expect((await replyOf(leadId))[0]!.body).toContain(`https://www.prim-motors.co.id/cars/${c.slug}`);
  });

  test('a deleted lead or a bad payload does not retry forever', async () => {
    const { leadId, job } = await inquireAndRun('halo');
    await t.db.delete(leads).where(eq(leads.id, leadId));
    expect(await run(job)).toEqual({ skipped: 'lead_not_found', leadId });
    await expect(run({ ...job, payload: { leadId: 'nope' } })).rejects.toThrow('Invalid lead.follow_up payload');
  });
});
