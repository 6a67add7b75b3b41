// What every long-running entry does after the runtime-specific server starts: demo seed and the banner.
import { DEMO_PASSWORD, seedDemo } from './db/seed';
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
