// Node entry (@hono/node-server): the same app and worker as the Bun entry.
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { createDeps } from './bootstrap';
import { loadEnv } from './env';
import { handleShutdown, prepare, startWorker } from './server';

const env = loadEnv();
const deps = await createDeps(env);
await prepare(deps);
const app = createApp(deps);

const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) =>
  deps.log.info('listening', { url: `http://localhost:${info.port}`, driver: deps.database.driver, runtime: 'node' }),
);
const worker = await startWorker(deps);

handleShutdown(deps, {
  stopServer: () => new Promise<void>((resolve) => server.close(() => resolve())),
  worker,
});
