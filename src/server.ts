// What every long-running entry shares once its runtime's server is up: demo seed and banner,
// the in-process job worker, and a graceful shutdown on SIGTERM/SIGINT.
import { DEMO_PASSWORD, seedDemo } from './db/seed';
import { createTaskRegistry } from './jobs/tasks';
import { createWorker, type Worker } from './jobs/worker';
import type { Deps } from './lib/deps';

export async function prepare(deps: Deps): Promise<void> {
  const { env, log } = deps;
  if (!env.seedDemo) return;
  const seeded = await seedDemo(deps.database);
  if (!seeded) return;
  const port = env.PORT;
  const lines = [
    '',
    'Seeded demo data (embedded database; demo seeding never runs on a database with tenants):',
    ...seeded.flatMap((t) => [
      `  ${t.name}`,
      `    storefront: curl -H 'Host: ${t.host}' http://localhost:${port}/api/cars`,
      `    sign in:    ${t.ownerEmail} / ${DEMO_PASSWORD}  (POST http://${t.host}:${port}/api/admin/auth/login)`,
    ]),
    `  API reference: http://localhost:${port}/docs`,
    '',
  ];
  log.info('demo data seeded', { tenants: seeded.map((t) => t.slug) });
  if (env.LOG_LEVEL !== 'silent') process.stdout.write(`${lines.join('\n')}\n`);
}

/** Starts the job worker in this process unless WORKER_ENABLED=false. */
export async function startWorker(deps: Deps): Promise<Worker | undefined> {
  if (!deps.env.WORKER_ENABLED) return undefined;
  const worker = createWorker({ deps, registry: createTaskRegistry() });
  await worker.start();
  return worker;
}

/**
 * On SIGTERM/SIGINT: stop taking requests, let running jobs finish (or release them after
 * WORKER_SHUTDOWN_TIMEOUT_MS so another worker runs them), close the database, exit.
 */
export function handleShutdown(deps: Deps, parts: { stopServer?: () => Promise<void>; worker?: Worker }): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.log.info('shutting down', { signal });
    try {
      await parts.stopServer?.();
      await parts.worker?.stop({ timeoutMs: deps.env.WORKER_SHUTDOWN_TIMEOUT_MS });
      await deps.database.close();
      process.exit(0);
    } catch (err) {
      deps.log.error('shutdown failed', { err });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
