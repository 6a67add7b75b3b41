// Node entry (@hono/node-server): the same app and worker as the Bun entry.
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { createDeps } from './bootstrap';
import { loadEnv } from './env';
import { prepare } from './server';

const env = loadEnv();
const deps = await createDeps(env);
await prepare(deps);
const app = createApp(deps);

const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) =>
  deps.log.info('listening', {
    url: `http://localhost:${info.port}`,
    driver: deps.database.driver,
    runtime: 'node',
  }),
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  deps.log.info('shutting down', { signal });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await deps.database.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
