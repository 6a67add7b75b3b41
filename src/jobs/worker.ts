// The Bun interval worker: claims batches of jobs, runs their tasks with bounded concurrency, and
// writes outcomes in batches. A chain of setTimeouts (never setInterval) drives it: it drains while
// work remains, waits the poll interval when idle, and wakes at once on NOTIFY.
import { hostname } from 'node:os';
import { uuidv7 } from 'uuidv7';
import { type Clock, systemClock } from '../lib/clock';
import type { Deps } from '../lib/deps';
import { createBatcher } from './batcher';
import { createLeaseBook } from './leases';
import { createMaintenance } from './maintenance';
import { listenForJobs } from './notify';
import type { TaskRegistry } from './registry';
import { createJobExecutor } from './run-job';
import { claimJobs } from './sql/claim';
import { type Completion, completeJobs } from './sql/complete';
import { type Backoff, type Failure, failJobs } from './sql/fail';
import { dropLeases, releaseJobs } from './sql/release';
import { createRunner, type JobRow } from './sql/runner';

export type WorkerOptions = {
  deps: Deps;
  registry: TaskRegistry;
  /** Tasks run at once; defaults to WORKER_CONCURRENCY. */
  concurrency?: number;
  /** Idle wait between claims; defaults to WORKER_POLL_INTERVAL_MS. */
  pollIntervalMs?: number;
  /** A lock older than this belongs to a dead worker and is swept; defaults to WORKER_LOCK_TIMEOUT_MS. */
  lockTimeoutMs?: number;
  workerId?: string;
  clock?: Clock;
  /**
   * Jobs claimed ahead of free slots (graphile-worker's localQueue). 0 claims only what can start
   * now, which suits slow tasks; a few hundred suits floods of tiny jobs. Defaults to
   * WORKER_LOCAL_QUEUE_SIZE.
   */
  localQueueSize?: number;
  backoff?: Backoff;
  /** How often stale locks are swept; defaults to half the lock timeout, at most a minute. */
  sweepIntervalMs?: number;
  /** Finished jobs older than this many days are deleted by the sweep; defaults to JOBS_RETENTION_DAYS. */
  retentionDays?: number;
  /** Rows per retention DELETE (each its own short statement); defaults to 1000. */
  purgeBatchSize?: number;
};

export type Worker = {
  readonly id: string;
  start(): Promise<void>;
  /** Stops claiming, waits up to `timeoutMs` for running tasks, then releases what is left. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** Runs every job that is due now, then resolves with how many ran (tests). */
  runOnce(): Promise<number>;
  /** Returns jobs with stale locks to the queue; resolves with how many. */
  sweep(): Promise<number>;
  /** Deletes succeeded and cancelled jobs past retention, batch by batch; resolves with how many. */
  purge(): Promise<number>;
  readonly activeCount: number;
};

export function createWorker(options: WorkerOptions): Worker {
  const { deps, registry } = options;
  const env = deps.env;
  const concurrency = Math.max(1, options.concurrency ?? env.WORKER_CONCURRENCY);
  const pollIntervalMs = options.pollIntervalMs ?? env.WORKER_POLL_INTERVAL_MS;
  const lockTimeoutMs = options.lockTimeoutMs ?? env.WORKER_LOCK_TIMEOUT_MS;
  const localQueueSize = Math.max(0, options.localQueueSize ?? env.WORKER_LOCAL_QUEUE_SIZE);
  const sweepIntervalMs = options.sweepIntervalMs ?? Math.min(Math.max(lockTimeoutMs / 2, 50), 60_000);
  const retentionDays = options.retentionDays ?? env.JOBS_RETENTION_DAYS;
  const purgeBatchSize = Math.max(1, options.purgeBatchSize ?? 1000);
  const clock = options.clock ?? deps.clock;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const log = deps.log.child({ worker: workerId });
  // null: the database's now() (see sql/runner.ts); an injected clock is passed explicitly.
  const dbNow = () => (clock === systemClock ? null : clock.now());
  const run = createRunner(deps.database);
  const shutdown = new AbortController();

  const queue: JobRow[] = [];
  // Closed leases are dropped with the next claim or heartbeat.
  const leases = createLeaseBook();
  const active = new Map<string, Promise<void>>();
  let started = false;
  let stopping = false;
  let stopped: Promise<void> | undefined;
  // Claims in flight (stop() awaits them), how many, and how many jobs they asked for: room is
  // counted net of those.
  const fetching = new Set<Promise<void>>();
  let claimsInFlight = 0;
  let requested = 0;
  let idle = false;
  let wokenWhileFetching = false;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  let unsubscribe: (() => void) | undefined;

  const publish = (rows: { id: string; tenantId: string | null }[]) => {
    for (const r of rows) deps.bus.publish({ kind: 'job.updated', jobId: r.id, tenantId: r.tenantId });
  };

  async function claim(limit: number): Promise<JobRow[]> {
    const leaseId = uuidv7();
    const finished = leases.takeFinished();
    let rows: JobRow[];
    try {
      rows = await claimJobs(run, { workerId, now: dbNow(), limit, leaseId, finishedLeases: finished });
    } catch (err) {
      leases.restoreFinished(finished);
      throw err;
    }
    leases.open(leaseId, rows);
    publish(rows);
    return rows;
  }

  async function release(ids: string[]): Promise<void> {
    await releaseJobs(run, { workerId, now: dbNow(), ids });
    leases.settle(ids);
  }

  const completer = createBatcher<Completion>(
    async (items) => {
      publish(await completeJobs(run, { workerId, now: dbNow(), jobs: items }));
      leases.settle(items.map((i) => i.id));
    },
    (err, items) => log.error('recording job completions failed', { err, count: items.length }),
  );
  const failer = createBatcher<Failure>(
    async (items) => {
      const rows = await failJobs(run, { workerId, now: dbNow(), jobs: items, backoff: options.backoff });
      publish(rows);
      leases.settle(items.map((i) => i.id));
    },
    (err, items) => log.error('recording job failures failed', { err, count: items.length }),
  );

  const execute = createJobExecutor({
    deps,
    registry,
    run,
    log,
    workerId,
    dbNow,
    signal: shutdown.signal,
    completer,
    failer,
  });

  function startJob(job: JobRow) {
    const done = execute(job).finally(() => {
      active.delete(job.id);
      pump();
    });
    active.set(job.id, done);
  }

  /**
   * Starts what the local queue holds, then claims more while there is room and work. With a local
   * queue, a second claim may start while the first is in flight (each for at least half the room),
   * so a fast worker is never left waiting on one claim's round trip with nothing to run.
   */
  function pump() {
    if (!started || stopping) return;
    while (active.size < concurrency && queue.length > 0) startJob(queue.shift()!);
    const capacity = concurrency + localQueueSize;
    const room = capacity - active.size - queue.length - requested;
    if (idle || room <= 0 || claimsInFlight >= (localQueueSize > 0 ? 2 : 1)) return;
    // Refill early only when a good share of the local queue is gone, so claims stay batched.
    if ((queue.length > 0 || claimsInFlight > 0) && room < capacity / 2) return;
    const claiming = fetchBatch(room).finally(() => fetching.delete(claiming));
    fetching.add(claiming);
  }

  async function fetchBatch(limit: number): Promise<void> {
    wokenWhileFetching = false;
    claimsInFlight++;
    requested += limit;
    let rows: JobRow[] = [];
    try {
      rows = await claim(limit);
    } catch (err) {
      log.error('claiming jobs failed', { err });
    }
    claimsInFlight--;
    requested -= limit;
    queue.push(...rows); // when stopping, stop() releases them
    if (stopping) return;
    // A short batch means the queue is drained: wait for the poll interval or a NOTIFY. A claim
    // running beside it may have locked what it skipped, so a full batch ends the wait again.
    if (rows.length < limit && !wokenWhileFetching) {
      idle = true;
      schedulePoll();
    } else if (rows.length === limit && idle) {
      idle = false;
      clearTimeout(pollTimer);
    }
    pump();
  }

  function schedulePoll() {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(() => {
      idle = false;
      pump();
    }, pollIntervalMs);
  }

  function wake() {
    if (!started || stopping) return;
    if (fetching.size > 0) wokenWhileFetching = true;
    idle = false;
    pump();
  }

  const maintenance = createMaintenance({
    run,
    log,
    clock,
    dbNow,
    workerId,
    lockTimeoutMs,
    sweepIntervalMs,
    retentionDays,
    purgeBatchSize,
    isStopping: () => stopping,
    publish,
    onReleased: wake,
    leases,
  });
  const { sweep, purge } = maintenance;

  return {
    id: workerId,
    get activeCount() {
      return active.size;
    },
    sweep,
    purge,

    async start() {
      if (started) return;
      started = true;
      try {
        unlisten = await listenForJobs(deps.database, wake);
      } catch (err) {
        log.error('LISTEN failed; relying on polling', { err });
      }
      unsubscribe = deps.bus.subscribe((e) => {
        if (e.kind === 'job.enqueued') wake();
      });
      // Jobs left locked by a predecessor that crashed are picked up without waiting a sweep interval.
      await sweep().catch((err) => log.error('sweeping stale locks failed', { err }));
      maintenance.schedule();
      log.info('worker started', { concurrency, pollIntervalMs, lockTimeoutMs, localQueueSize });
      pump();
    },

    stop({ timeoutMs = env.WORKER_SHUTDOWN_TIMEOUT_MS } = {}) {
      stopped ??= (async () => {
        stopping = true;
        clearTimeout(pollTimer);
        maintenance.cancelSweep();
        unsubscribe?.();
        await unlisten?.().catch(() => {});
        while (fetching.size > 0) await Promise.all([...fetching]);
        let clean = true;
        const unstarted = queue.splice(0).map((j) => j.id);
        await release(unstarted).catch((err) => {
          clean = false;
          log.error('releasing unstarted jobs failed', { err });
        });
        if (active.size > 0) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const limit = new Promise<void>((resolve) => {
            timer = setTimeout(resolve, timeoutMs);
          });
          await Promise.race([Promise.allSettled([...active.values()]), limit]);
          clearTimeout(timer);
        }
        shutdown.abort();
        await Promise.all([completer.flush(), failer.flush()]);
        maintenance.cancelHeartbeat();
        const unfinished = [...active.keys()];
        if (unfinished.length > 0) {
          await release(unfinished).catch((err) => {
            clean = false;
            log.error('releasing unfinished jobs failed', { err });
          });
          log.warn('released jobs still running at shutdown', { count: unfinished.length });
        }
        // Every job this worker claimed has its outcome written or is back in the queue: no lease is
        // needed. Otherwise the leases stay, and a sweep hands what is left to another worker.
        if (clean && completer.pending === 0 && failer.pending === 0) {
          await dropLeases(run, { workerId, all: true }).catch((err) => log.error('dropping leases failed', { err }));
        }
        log.info('worker stopped', { released: unstarted.length + unfinished.length });
      })();
      return stopped;
    },

    async runOnce() {
      let total = 0;
      for (;;) {
        const rows = await claim(concurrency);
        if (rows.length === 0) break;
        await Promise.all(rows.map((job) => execute(job)));
        await Promise.all([completer.flush(), failer.flush()]);
        total += rows.length;
      }
      await dropLeases(run, { workerId, ids: leases.takeFinished() }).catch((err) =>
        log.error('dropping leases failed', { err }),
      );
      return total;
    },
  };
}
