// `npm run worker`: the jobs worker alone, for running one or more worker processes beside the web
// service on the same database (claims use SKIP LOCKED, so any number of them is safe).
import { createDeps } from './bootstrap';
import { loadEnv } from './env';
import { createTaskRegistry } from './jobs/tasks';
import { createWorker } from './jobs/worker';
import { createLogger } from './lib/logger';

const env = loadEnv();
const log = createLogger(env.LOG_LEVEL, { service: 'showroom-worker' });
if (!env.DATABASE_URL) {
  // Embedded PGlite belongs to one process; without a server the worker runs inside `npm start`.
  log.error('npm run worker needs DATABASE_URL (a PostgreSQL server); with PGlite, npm start runs the worker');
  process.exit(1);
}
// Opens the database and applies migrations (advisory-locked, so many workers may start at once).
const deps = await createDeps(env, { log });
const database = deps.database;
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
