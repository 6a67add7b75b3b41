// `npm run worker`: the jobs worker alone, for running one or more worker processes beside the web
// service on the same database (claims use SKIP LOCKED, so any number of them is safe).
import { createDeps } from './bootstrap';
import { loadEnv } from './env';
import { createLogger } from './lib/logger';
import { handleShutdown, startWorker } from './server';

const env = loadEnv();
const log = createLogger(env.LOG_LEVEL, { service: 'showroom-worker' });
if (!env.DATABASE_URL) {
  // Embedded PGlite belongs to one process; without a server the worker runs inside `npm start`.
  log.error('npm run worker needs DATABASE_URL (a PostgreSQL server); with PGlite, npm start runs the worker');
  process.exit(1);
}
// Opens the database and applies migrations (advisory-locked, so many workers may start at once).
const deps = await createDeps(env, { log });
const worker = await startWorker(deps);
if (!worker) {
  log.error('WORKER_ENABLED=false: nothing to run');
  process.exit(1);
}
log.info('worker started', { id: worker.id });
handleShutdown(deps, { worker });
