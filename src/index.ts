// Bun entry: serve the app, run the job worker in-process, shut down cleanly on SIGTERM/SIGINT.
import { createApp } from './app';
import { createDeps } from './bootstrap';
import { loadEnv } from './env';
import { prepare } from './server';

const env = loadEnv();
const deps = await createDeps(env);
await prepare(deps);
const app = createApp(deps);

const server = Bun.serve({ port: env.PORT, hostname: env.HOST, fetch: app.fetch, idleTimeout: 60 });
deps.log.info('listening', { url: `http://localhost:${server.port}`, driver: deps.database.driver });

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  deps.log.info('shutting down', { signal });
  await server.stop();
  await deps.database.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
