// One benchmark app behind Bun.serve, in its own process so its CPU time is its own: started by
// run.ts (IPC), it reports its port, then its cumulative CPU time whenever asked.
// Usage (by run.ts): bun bench/rate-limit/serve.ts <tenant|cars> <baseline|limited>
import { PATHS, type Route, setup, stack } from './stack';

const route = process.argv[2] as Route;
const limited = process.argv[3] === 'limited';
if (!(route in PATHS) || !['baseline', 'limited'].includes(process.argv[3] ?? '')) {
  throw new Error('usage: serve.ts <tenant|cars> <baseline|limited>');
}
const { deps, fixed } = await setup();
const app = stack(deps, route, limited, fixed);
const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: app.fetch });
process.on('message', (message) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  if (message === 'stop') process.exit(0);
});
process.send?.({ port: server.port });
