// What the limiter adds to a cached route's request cost on a busy server (bench/rate-limit/run.ts).
// One server process (serve.ts, mixed) holds the baseline, A/A and limited apps and hands each request to the
// next of them in a shuffled rotation, timing the app inside the server; wrk keeps it busy. The variants
// share the process, its connections, its JIT and every moment of the machine's noise, so their difference is
// read to a fraction of a microsecond; the server's CPU time over the same requests is the request cost.
import { join } from 'node:path';
import { fmt, median, type Stats, signed } from './sampling';
import { PATHS, type Route } from './stack';

type AppTimes = Stats & { requests: number };
type Report = { apps: AppTimes[]; cpu: { main: number | null; process: number } };

export type LoadRound = {
  seconds: number;
  /** Requests per app (baseline, A/A, limited) and their app time per request, µs. */
  apps: AppTimes[];
  /** Server CPU time per request over all three apps' requests, µs: the serving thread's and the process's. */
  cpuPerRequest: { main: number | null; process: number };
};

export type LoadOptions = {
  route: Route;
  rounds: number;
  seconds: number;
  clients: number;
  /**
   * No proxy in front: requests come straight from wrk and the client is the socket's address, which Bun's
   * server.requestIP reads with a system call per request (see stack.ts setup for the limit this needs).
   */
  direct?: boolean;
};

export async function loadPhase({ route, rounds, seconds, clients, direct }: LoadOptions): Promise<LoadRound[]> {
  let reply: (message: { port?: number; recording?: boolean; report?: Report }) => void = () => {};
  const child = Bun.spawn({
    cmd: [process.execPath, join(import.meta.dir, 'serve.ts'), route, 'mixed', ...(direct ? ['direct'] : [])],
    stdout: 'inherit',
    stderr: 'inherit',
    ipc: (message) => reply(message),
  });
  // Every wait for the server's answer also ends if the server dies (a failed set-up would hang otherwise).
  const died = child.exited.then((code) => Promise.reject(new Error(`serve.ts exited (${code}) before answering`)));
  died.catch(() => {});
  const next = () => Promise.race([new Promise<Parameters<typeof reply>[0]>((resolve) => (reply = resolve)), died]);
  const ask = (message: string) => {
    const answer = next();
    child.send(message);
    return answer;
  };
  const { port } = await next();
  // wrk (bench/rate-limit/load.lua): 1 thread, 16 connections, X-Forwarded-For from `clients` addresses or direct.
  const wrk = (secs: number) => {
    const run = Bun.spawnSync(
      [
        'wrk',
        '-t1',
        '-c16',
        `-d${secs}s`,
        '-s',
        join(import.meta.dir, 'load.lua'),
        `http://127.0.0.1:${port}${PATHS[route]}`,
      ],
      { env: { ...process.env, BENCH_CLIENTS: String(clients), BENCH_FORWARDED: direct ? '0' : '1' } },
    );
    const m = /requests (\d+) non2xx (\d+) socket (\d+)/.exec(run.stdout.toString());
    if (run.exitCode !== 0 || !m) throw new Error(`wrk failed (${run.exitCode}): ${run.stderr.toString()}`);
    if (Number(m[2]) || Number(m[3])) throw new Error(`${route}: ${m[2]} non-2xx, ${m[3]} socket errors under load`);
  };
  try {
    wrk(3); // warm-up: JIT, tenant cache, response cache, buckets
    const out: LoadRound[] = [];
    for (let r = 0; r < rounds; r++) {
      await ask('record');
      wrk(seconds);
      const { report } = await ask('report');
      if (!report) throw new Error('serve.ts sent no report');
      const n = report.apps.reduce((sum, a) => sum + a.requests, 0);
      out.push({
        seconds,
        apps: report.apps,
        cpuPerRequest: {
          main: report.cpu.main === null ? null : report.cpu.main / n,
          process: report.cpu.process / n,
        },
      });
    }
    return out;
  } finally {
    if (child.exitCode === null) {
      child.send('stop');
      await child.exited;
    }
  }
}

/**
 * One round read against the target: the limiter's added app time (the larger of the median and IQM
 * differences), as a share of a baseline request's CPU time on the serving thread. A third of the measured
 * requests went through the limiter; their extra is taken out of the request cost, so the share is of what a
 * request costs without it. Without a reading of the serving thread (not Linux) there is no share: the
 * process's CPU time also holds GC and Bun's other threads, which would flatter the limiter.
 */
export function readRound(round: LoadRound) {
  const [baseline, aa, limited] = round.apps as [AppTimes, AppTimes, AppTimes];
  const n = baseline.requests + aa.requests + limited.requests;
  const added = Math.max(limited.median - baseline.median, limited.iqm - baseline.iqm);
  const aaDiff = [aa.median - baseline.median, aa.iqm - baseline.iqm].reduce((x, y) =>
    Math.abs(y) > Math.abs(x) ? y : x,
  );
  const thread = round.cpuPerRequest.main;
  const requestCost = thread === null ? null : thread - (limited.requests / n) * added;
  const share = requestCost === null ? null : (added / requestCost) * 100;
  return { baseline, aa, limited, added, aaDiff, requestCost, share, rps: n / round.seconds };
}

const micros = (x: number) => signed(x, ' µs');

/** The under-load part of bench/RESULTS.md: both set-ups' rounds, and the target read on each. */
export function loadSection(o: {
  proxied: LoadRound[];
  direct: LoadRound[];
  seconds: number;
  clients: number;
  targetPct: number;
}): string[] {
  const thread = [...o.proxied, ...o.direct].every((r) => r.cpuPerRequest.main !== null);
  const cost = (x: number | null) => (x === null ? '—' : fmt(x));
  const table = (rounds: LoadRound[]) => [
    '| round | req/s | CPU µs per request, thread / process | baseline app µs (median / IQM) | A/A | tenant + memory limiter app µs | added µs | baseline request µs (thread) | **share** |',
    '| --: | --: | --: | --: | --: | --: | --: | --: | --: |',
    ...rounds.map((round, i) => {
      const r = readRound(round);
      const share = r.share === null ? '—' : `**${r.share.toFixed(1)} %**`;
      return `| ${i + 1} | ${r.rps.toFixed(0)} | ${cost(round.cpuPerRequest.main)} / ${fmt(round.cpuPerRequest.process)} | ${fmt(r.baseline.median)} / ${fmt(r.baseline.iqm)} | ${micros(r.aaDiff)} | ${fmt(r.limited.median)} / ${fmt(r.limited.iqm)} | ${micros(r.added)} | ${cost(r.requestCost)} | ${share} |`;
    }),
  ];
  // Judged on the median round, with the range and the rounds over the target beside it.
  const verdict = (rounds: LoadRound[]) => {
    const shares = rounds.map((r) => readRound(r).share);
    if (shares.some((x) => x === null)) return 'not judged (no reading of the serving thread here)';
    const known = shares as number[];
    const mid = median(known);
    const over = known.filter((x) => x >= o.targetPct).length;
    const range = `${Math.min(...known).toFixed(1)}–${Math.max(...known).toFixed(1)} %`;
    return `median round ${mid.toFixed(1)} % (rounds ${range}, ${over} of ${known.length} at or over ${o.targetPct} %): **${mid < o.targetPct ? 'met' : 'not met'}**`;
  };
  return [
    '',
    "### Under load (`/api/cars`, the cached route): the request's cost on a busy server",
    '',
    `One Bun.serve server process holds the three apps and hands each request to the next of them in a fresh random order per three requests; wrk (1 thread, 16 connections, ${o.seconds} s a round after 3 s of warm-up) keeps it busy. Inside the server each app's answer is timed (the route waits on nothing, so on a busy server that is its CPU time); the server's CPU time over the same requests is the **request cost**: HTTP parsing, the app, writing the response. The apps share the process, the connections and every moment of the machine's noise, so their difference is read to a fraction of a microsecond (the A/A column). **Added** is the larger of the median and IQM differences; the **share** is added over a baseline request's CPU time on the serving thread (${thread ? 'Linux /proc/thread-self/schedstat' : 'not available here, so no share is given'}; the process's, which adds GC and Bun's other threads, is shown beside it and not used). Not in **added**: what the limiter costs outside a typical request's app time — Bun writing the three header lines (~0.07 µs), and the GC of its allocations, which lands on whichever request is running; the one-at-a-time HTTP phase below counts everything, but cannot separate a few per cent.`,
    '',
    `**Behind a proxy** (the production set-up: the service terminates no TLS, so a dealer's HTTPS host reaches it through a load balancer; TRUST_PROXY, X-Forwarded-Host, X-Forwarded-For from ${o.clients} addresses in turn):`,
    '',
    ...table(o.proxied),
    ...(o.direct.length
      ? [
          '',
          "**Direct** (no proxy, the default TRUST_PROXY=false: the client is the socket's address, which Bun's server.requestIP reads with a getpeername system call per request; wrk is one address, so the public limit is raised out of reach and its bucket stays warm):",
          '',
          ...table(o.direct),
        ]
      : []),
    '',
    `Target (issue 3): under ${o.targetPct} % of the request cost of a cached route. Behind a proxy: ${verdict(o.proxied)}.${o.direct.length ? ` Direct (the default configuration): ${verdict(o.direct)}.` : ''}`,
  ];
}
