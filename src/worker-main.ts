// `npm run worker`: the jobs worker alone, for running one or more worker processes beside the web
// service on the same database (claims use SKIP LOCKED, so any number of them is safe).
import { createDatabase } from './db/client';
import { migrateDatabase } from './db/migrate';
import { loadEnv } from './env';
import { createTaskRegistry } from './jobs/tasks';
import { createWorker } from './jobs/worker';
import { systemClock } from './lib/clock';
import { EventBus } from './lib/event-bus';
import { createLogger } from './lib/logger';
import { createMetrics } from './lib/metrics';

const env = loadEnv();
const log = createLogger(env.LOG_LEVEL, { service: 'showroom-worker' });
if (!env.DATABASE_URL) {
  // Embedded PGlite belongs to one process; without a server the worker runs inside `npm start`.
  log.error(
    'npm run worker needs DATABASE_URL (a PostgreSQL server); with PGlite, npm start runs the worker',
  );
  process.exit(1);
}
const database = await createDatabase({
  url: env.DATABASE_URL,
  // Claims, outcome batches, progress and LISTEN each want a connection; a few more than that is plenty.
  poolSize: Math.min(env.DATABASE_POOL_SIZE, 10),
});
await migrateDatabase(database);

const deps = {
  env,
  database,
  db: database.db,
  clock: systemClock,
  log,
  metrics: createMetrics(),
  bus: new EventBus(),
  fetch: globalThis.fetch,
};
const worker = createWorker({ deps, registry: createTaskRegistry() });
await worker.start();

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info('shutting down', { signal });
  await worker.stop({ timeoutMs: env.WORKER_SHUTDOWN_TIMEOUT_MS });
  await database.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
