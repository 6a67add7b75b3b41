// Benchmark apps behind Bun.serve, each server in its own process so its CPU time is its own; started by
// run.ts (IPC), it reports its port, then answers run.ts's questions.
// - `serve.ts <tenant|cars> <baseline|limited>`: one app; answers 'cpu' with its cumulative CPU time.
// - `serve.ts <tenant|cars> mixed [direct]`: baseline, A/A and limited apps in one server, each request handled
//   by the next of them in a fresh random order per three requests, and timed inside the server; 'record' starts
//   a measurement, 'report' ends it and answers with each app's time per request and the server's CPU time.
//   `direct`: no proxy in front (stack.ts setup).
import { readFileSync } from 'node:fs';
import { shuffler, stats } from './sampling';
import { PATHS, type Route, setup, stack } from './stack';

const route = process.argv[2] as Route;
const mode = process.argv[3] ?? '';
if (!(route in PATHS) || !['baseline', 'limited', 'mixed'].includes(mode)) {
  throw new Error('usage: serve.ts <tenant|cars> <baseline|limited|mixed> [direct]');
}
const { deps, fixed } = await setup({ direct: process.argv[4] === 'direct' });

/** CPU time (µs) of the thread that serves requests (Linux; null elsewhere): the other threads are GC's and Bun's. */
function mainThreadCpu(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1000;
  } catch {
    return null;
  }
}
const processCpu = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

if (mode === 'mixed') {
  const apps = [stack(deps, route, false, fixed), stack(deps, route, false, fixed), stack(deps, route, true, fixed)];
  const CAPACITY = 2_000_000;
  const samples = apps.map(() => new Float64Array(CAPACITY));
  const counts = [0, 0, 0];
  let recording = false;
  const nextOrder = shuffler(apps.length, 0x85ebca6b);
  let order = nextOrder();
  let position = 0;
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(request, srv) {
      if (position === order.length) {
        order = nextOrder();
        position = 0;
      }
      const k = order[position++]!;
      // Wall time of the app: the cached route waits on nothing, so while the server is busy this is its
      // CPU time; HTTP parsing and writing the response, the same for every app, are outside it.
      const start = performance.now();
      const response = await apps[k]!.fetch(request, srv);
      const elapsed = performance.now() - start;
      if (recording && counts[k]! < CAPACITY) samples[k]![counts[k]!++] = elapsed * 1000;
      return response;
    },
  });
  let from = { main: mainThreadCpu(), process: processCpu() };
  process.on('message', (message) => {
    if (message === 'record') {
      counts.fill(0);
      from = { main: mainThreadCpu(), process: processCpu() };
      recording = true;
      process.send?.({ recording: true });
    }
    if (message === 'report') {
      recording = false;
      const main = mainThreadCpu();
      const cpu = {
        main: main === null || from.main === null ? null : main - from.main,
        process: processCpu() - from.process,
      };
      const apps = counts.map((n, k) => ({ requests: n, ...stats(samples[k]!.subarray(0, n)) }));
      process.send?.({ report: { apps, cpu } });
    }
    if (message === 'stop') process.exit(0);
  });
  process.send?.({ port: server.port });
} else {
  const app = stack(deps, route, mode === 'limited', fixed);
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: app.fetch });
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
    if (message === 'stop') process.exit(0);
  });
  process.send?.({ port: server.port });
}
