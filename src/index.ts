// Bun entry: serve the app, run the job worker in-process, shut down cleanly on SIGTERM/SIGINT.
import { createApp } from './app';
import { createDeps } from './bootstrap';
import { loadEnv } from './env';
import { handleShutdown, prepare, startWorker } from './server';

const env = loadEnv();
const deps = await createDeps(env);
await prepare(deps);
const app = createApp(deps);

const server = Bun.serve({ port: env.PORT, hostname: env.HOST, fetch: app.fetch, idleTimeout: 60 });
const worker = await startWorker(deps);
deps.log.info('listening', {
  url: `http://localhost:${server.port}`,
  driver: deps.database.driver,
  worker: Boolean(worker),
});

handleShutdown(deps, { stopServer: () => server.stop(), worker });
