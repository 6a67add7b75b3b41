// Cloudflare Workers entry: the same app over a PostgreSQL server (DATABASE_URL binding); PGlite is
// not used on the edge. Dependencies are built once per isolate.
import { createApp } from './app';
import { createDeps } from './bootstrap';
import { parseEnv } from './env';
import { createTaskRegistry } from './jobs/tasks';
import { createWorker } from './jobs/worker';
import type { Deps } from './lib/deps';

type Bindings = Record<string, string | undefined>;

let ready: Promise<{ deps: Deps; app: ReturnType<typeof createApp> }> | undefined;

function init(bindings: Bindings) {
  ready ??= (async () => {
    const env = parseEnv({ ...bindings, DATABASE_POOL_SIZE: bindings.DATABASE_POOL_SIZE ?? '1' });
    if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required on Cloudflare Workers');
    const deps = await createDeps(env, { skipMigrations: true });
    return { deps, app: createApp(deps) };
  })();
  return ready;
}

export default {
  async fetch(request: Request, bindings: Bindings): Promise<Response> {
    const { app } = await init(bindings);
    return app.fetch(request);
  },
  /** Cron trigger: one worker tick (sweep stale locks, drain what is due). */
  async scheduled(_event: unknown, bindings: Bindings): Promise<void> {
    const { deps } = await init(bindings);
    const worker = createWorker({ deps, registry: createTaskRegistry() });
    await worker.sweep();
    await worker.runOnce();
  },
};
