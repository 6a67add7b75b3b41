import postgres from 'postgres';
import { uuidv7 } from 'uuidv7';
import { createDatabase } from '/work/wt/jobs/src/db/client';
import { migrateDatabase } from '/work/wt/jobs/src/db/migrate';
import { createRunner } from '/work/wt/jobs/src/jobs/sql/runner';
import { claimJobs } from '/work/wt/jobs/src/jobs/sql/claim';
import { completeJobs } from '/work/wt/jobs/src/jobs/sql/complete';
const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1 });
const name = 'prof_' + Date.now();
await admin.unsafe(`create database ${name}`);
const database = await createDatabase({ url: `postgres://postgres@127.0.0.1:5432/${name}`, poolSize: 4 });
await migrateDatabase(database);
const sql = database.sql!;
const N = 20000;
for (let i = 0; i < N; i += 5000) {
  const ids = Array.from({ length: 5000 }, () => uuidv7());
  await sql`insert into jobs (id, type) select unnest(${sql.array(ids)}::uuid[]), 'noop'`;
}
await sql`vacuum analyze jobs`;
const run = createRunner(database);
let claimT = 0, compT = 0; const B = Number(process.argv[2] ?? 500);
for (;;) {
  let t = performance.now();
  const rows = await claimJobs(run, { workerId: 'w', now: new Date(), limit: B });
  claimT += performance.now() - t;
  if (!rows.length) break;
  t = performance.now();
  await completeJobs(run, { workerId: 'w', now: new Date(), jobs: rows.map(r => ({ id: r.id, result: null })) });
  compT += performance.now() - t;
}
console.log({ B, claimMs: claimT.toFixed(0), completeMs: compT.toFixed(0), claimPerJobUs: (claimT*1000/N).toFixed(1), completePerJobUs: (compT*1000/N).toFixed(1) });
await database.close(); await admin.unsafe(`drop database ${name} with (force)`); await admin.end();
