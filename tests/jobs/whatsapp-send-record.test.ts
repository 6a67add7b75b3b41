// whatsapp.send after Fonnte has accepted the message: a failing status write must never lead to a
// second send. A trigger on `messages` (created here, dropped after) makes the real UPDATE to 'sent'
// fail as often as the test says; a sequence counts the tries, since it survives the rollback.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { and, eq, sql } from 'drizzle-orm';
import { type Job, jobs, messages } from '../../drizzle/schema';
import { createTaskRegistry } from '../../src/jobs/tasks';
import { createWorker, type Worker } from '../../src/jobs/worker';
import { createLogger } from '../../src/lib/logger';
import type { TestApp } from '../helpers/app';
import { startFakeFonnte } from '../helpers/fake-fonnte';
import { autoReplyDealer, createWebhookTestApp, type fonnteDealer, queueStaffReply } from '../webhooks/support';

const fonnte = startFakeFonnte();
afterAll(() => fonnte.close());

const FAULT_DDL = [
  'create table test_sent_write_faults (failures integer not null)',
  'insert into test_sent_write_faults values (0)',
  'create sequence test_sent_write_tries',
  `create function test_fail_sent_write() returns trigger language plpgsql as $$
   begin
     if new.status = 'sent' and old.status is distinct from 'sent' then
       if nextval('test_sent_write_tries') <= (select failures from test_sent_write_faults) then
         raise exception using errcode = 'lock_not_available', message = 'simulated lock timeout on messages';
       end if;
     end if;
     return new;
   end $$`,
  `create trigger test_fail_sent_write before update on messages
   for each row execute function test_fail_sent_write()`,
];
const FAULT_DROP = [
  'drop trigger if exists test_fail_sent_write on messages',
  'drop function if exists test_fail_sent_write()',
  'drop sequence if exists test_sent_write_tries',
  'drop table if exists test_sent_write_faults',
];

describe('whatsapp.send when recording the sent status fails', () => {
  let t: TestApp;
  let worker: Worker;
  let acme: Awaited<ReturnType<typeof fonnteDealer>>;
  let token: string;
  const logged: { level: string; msg: string; [k: string]: unknown }[] = [];

  beforeAll(async () => {
    t = await createWebhookTestApp();
    const log = createLogger('debug', {}, (line) => logged.push(JSON.parse(line)));
    worker = createWorker({ deps: { ...t.deps, log }, registry: createTaskRegistry(), concurrency: 1 });
    ({ dealer: acme, token } = await autoReplyDealer(t, fonnte));
    // A lead to reply to (an inbound WhatsApp message creates it); its follow-up job is cleared.
    await t.request(acme.host, acme.path, {
      method: 'POST',
      json: { device: fonnte.device, sender: '6281234567890', message: 'Avanza 2019 masih ada?', inboxid: '1' },
    });
    await t.db.delete(jobs).where(eq(jobs.tenantId, acme.tenant.id));
    for (const statement of FAULT_DDL) await t.db.execute(sql.raw(statement));
  });
  afterAll(async () => {
    await worker.stop({ timeoutMs: 1000 });
    for (const statement of FAULT_DROP) await t.db.execute(sql.raw(statement));
    await t.close();
  });
  beforeEach(() => {
    fonnte.reset();
    logged.length = 0;
  });

  /** The next `failures` attempts to mark a message sent raise; the try counter starts again. */
  async function failSentWrites(failures: number) {
    await t.db.execute(sql.raw(`update test_sent_write_faults set failures = ${failures}`));
    await t.db.execute(sql.raw('alter sequence test_sent_write_tries restart with 1'));
  }
  const sentWriteTries = async () => {
    const rows = await t.db.execute(sql.raw('select last_value, is_called from test_sent_write_tries'));
    const row = ((rows as { rows?: unknown[] }).rows ?? (rows as unknown[]))[0] as {
      last_value: string | number;
      is_called: boolean;
    };
    return row.is_called ? Number(row.last_value) : 0;
  };

  const drain = async () => {
    for (let round = 0; round < 10 && (await worker.runOnce()) > 0; round++);
  };
  const readJob = async (id: string): Promise<Job> => (await t.db.select().from(jobs).where(eq(jobs.id, id)))[0]!;
  const messageRow = async (id: string) => (await t.db.select().from(messages).where(eq(messages.id, id)))[0]!;
  /** Makes any retry of the job due at once: if one was scheduled, it would run (and send) now. */
  const runAnyRetry = async (id: string) => {
    await t.db
      .update(jobs)
      .set({ runAt: sql`now()` })
      .where(and(eq(jobs.id, id), eq(jobs.status, 'failed')));
    await drain();
  };

  const queueReply = (body: string) => queueStaffReply(t, acme, token, body);

  test('one failed write after the send: retried in-process, sent once, recorded sent with the provider id', async () => {
    await failSentWrites(1);
    const { messageId, jobId } = await queueReply('Harga OTR 185 juta');
    await drain();
    await runAnyRetry(jobId);

    expect(fonnte.sent).toHaveLength(1);
    expect(await sentWriteTries()).toBe(2);
    expect(await readJob(jobId)).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      result: { providerMessageId: fonnte.sent[0]!.id },
    });
    expect(await messageRow(messageId)).toMatchObject({
      status: 'sent',
      providerMessageId: fonnte.sent[0]!.id,
      error: null,
    });
    expect(logged.filter((l) => l.level === 'error')).toEqual([]);
  });

  test('the write keeps failing, even on the last attempt: sent once, job completed as sent-but-unrecorded', async () => {
    await failSentWrites(1000);
    const { messageId, jobId } = await queueReply('Bisa test drive Sabtu');
    // The last attempt: the old code marked the (delivered) message failed here.
    await t.db.update(jobs).set({ maxAttempts: 1 }).where(eq(jobs.id, jobId));
    await drain();
    await runAnyRetry(jobId);

    expect(fonnte.sent).toHaveLength(1);
    expect(await sentWriteTries()).toBe(3);
    const job = await readJob(jobId);
    expect(job).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      result: {
        sent: true,
        recorded: false,
        providerMessageId: fonnte.sent[0]!.id,
        error: expect.stringContaining('simulated lock timeout on messages'),
      },
    });
    // Plain text for tenant admins: the database's reason, not the SQL or its parameters.
    const { error } = (await readJob(jobId)).result as { error: string };
    expect(error).not.toMatch(/update|Failed query|params|Bisa test drive/i);
    // Not marked failed: the write was refused, so the row still says queued (the log says why).
    expect((await messageRow(messageId)).status).toBe('queued');
    const errors = logged.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ messageId, providerMessageId: fonnte.sent[0]!.id, jobId });
  });
});
