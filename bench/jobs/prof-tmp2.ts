import postgres from 'postgres';
import { uuidv7 } from 'uuidv7';
import { createDatabase } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1 });
const name = 'prof_' + Date.now();
await admin.unsafe(`create database ${name}`);
const database = await createDatabase({ url: `postgres://postgres@127.0.0.1:5432/${name}`, poolSize: 4 });
await migrateDatabase(database);
const sql = database.sql!;
for (let i = 0; i < 20000; i += 5000) {
  const ids = Array.from({ length: 5000 }, () => uuidv7());
  await sql`insert into jobs (id, type) select unnest(${sql.array(ids)}::uuid[]), 'noop'`;
}
await sql`vacuum analyze jobs`;
const q0 = `explain (analyze, buffers) with next as (select id from jobs where status in ('queued','failed') and run_at <= now() order by priority, run_at, id limit 500 for update skip locked)
update jobs set status='running', attempts=jobs.attempts+1, locked_by='w', locked_at=now(), updated_at=now() from next where jobs.id = next.id returning jobs.*`;
const q = `explain (analyze, buffers) update jobs set status='running', attempts=attempts+1, locked_by='w', locked_at=now(), updated_at=now() where id = any(array(select id from jobs where status in ('queued','failed') and run_at <= now() order by priority, run_at, id limit 500 for update skip locked)) returning jobs.*`;
for (let i = 0; i < 3; i++) { const r = await sql.unsafe(q); if (i==2) console.log(r.map((x:any)=>x['QUERY PLAN']).join('\n')); }
const ids = (await sql`select id from jobs where status='running' limit 500`).map((r:any)=>({id:r.id, result:null}));
const c = await sql.unsafe(`explain (analyze, buffers) update jobs set status = 'succeeded', progress = 100, result = r.result, completed_at = now(), locked_by = null, locked_at = null, updated_at = now() from jsonb_to_recordset($1::jsonb) as r(id uuid, result jsonb) where jobs.id = r.id and jobs.locked_by = 'w' and jobs.status = 'running'`, [JSON.stringify(ids)]);
console.log(c.map((x:any)=>x['QUERY PLAN']).join('\n'));
await database.close(); await admin.unsafe(`drop database ${name} with (force)`); await admin.end();
