// The worker's periodic upkeep, kept apart from its claim-and-run loop: sweeping stale locks left by
// dead workers, deleting finished jobs past retention, and refreshing this worker's leases.
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { LeaseBook } from './leases';
import { purgeFinishedJobs } from './sql/purge';
import { heartbeatLeases } from './sql/release';
import { releaseStaleJobs } from './sql/release-stale';
import type { Runner } from './sql/runner';

/** Retention runs with the sweep, at most this often per worker, and deletes at most this many batches. */
const PURGE_INTERVAL_MS = 10 * 60_000;
const PURGE_MAX_BATCHES = 20;

export type MaintenanceOptions = {
  run: Runner;
  log: Logger;
  clock: Clock;
  /** The `now` passed to SQL: null means the database's now() (see sql/runner.ts). */
  dbNow: () => Date | null;
  workerId: string;
  lockTimeoutMs: number;
  sweepIntervalMs: number;
  retentionDays: number;
  purgeBatchSize: number;
  /** The worker's shutdown flag: once set, timers are not rearmed and a purge stops between batches. */
  isStopping: () => boolean;
  publish: (rows: { id: string; tenantId: string | null }[]) => void;
  /** Called when a scheduled sweep put jobs back in the queue, so the worker claims them at once. */
  onReleased: () => void;
  /** The heartbeat drops the leases this book has closed along with refreshing the rest. */
  leases: Pick<LeaseBook, 'takeFinished' | 'restoreFinished'>;
};

export type Maintenance = {
  sweep(): Promise<number>;
  purge(): Promise<number>;
  /** Arms the sweep and heartbeat timers. */
  schedule(): void;
  cancelSweep(): void;
  /** Separate from cancelSweep: the leases must stay fresh until running jobs have settled. */
  cancelHeartbeat(): void;
};

export function createMaintenance(options: MaintenanceOptions): Maintenance {
  const { run, log, clock, dbNow, workerId, lockTimeoutMs, retentionDays, purgeBatchSize, isStopping } = options;
  let sweepTimer: ReturnType<typeof setTimeout> | undefined;
  let heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  let lastPurgeAt = 0;

  async function sweep(): Promise<number> {
    const rows = await releaseStaleJobs(run, { now: dbNow(), lockTimeoutMs });
    if (rows.length > 0) {
      log.warn('released jobs with stale locks', { count: rows.length });
      options.publish(rows);
    }
    return rows.length;
  }

  /**
   * Up to PURGE_MAX_BATCHES short DELETEs, oldest first, until a batch comes back short; what is left
   * waits for the next purge, so a large backlog drains over a few sweeps instead of one long burst.
   */
  async function purge(): Promise<number> {
    let total = 0;
    for (let batch = 0; batch < PURGE_MAX_BATCHES && !isStopping(); batch++) {
      const n = await purgeFinishedJobs(run, { now: clock.now(), retentionDays, batchSize: purgeBatchSize });
      total += n;
      if (n < purgeBatchSize) break;
    }
    if (total > 0) log.info('deleted finished jobs past retention', { count: total, retentionDays });
    return total;
  }

  function schedulePurge() {
    if (Date.now() - lastPurgeAt < PURGE_INTERVAL_MS) return;
    lastPurgeAt = Date.now();
    purge().catch((err) => log.error('deleting finished jobs failed', { err }));
  }

  function scheduleSweep() {
    sweepTimer = setTimeout(async () => {
      const released = await sweep().catch((err) => {
        log.error('sweeping stale locks failed', { err });
        return 0;
      });
      if (released > 0) options.onReleased();
      if (!isStopping()) schedulePurge();
      if (!isStopping()) scheduleSweep();
    }, options.sweepIntervalMs);
  }

  function scheduleHeartbeat() {
    heartbeatTimer = setTimeout(async () => {
      const finished = options.leases.takeFinished();
      await heartbeatLeases(run, { workerId, now: dbNow(), finishedLeases: finished }).catch((err) => {
        options.leases.restoreFinished(finished);
        log.error('refreshing job leases failed', { err });
      });
      if (!isStopping()) scheduleHeartbeat();
    }, lockTimeoutMs / 3);
  }

  return {
    sweep,
    purge,
    schedule() {
      scheduleSweep();
      scheduleHeartbeat();
    },
    cancelSweep() {
      clearTimeout(sweepTimer);
    },
    cancelHeartbeat() {
      clearTimeout(heartbeatTimer);
    },
  };
}
