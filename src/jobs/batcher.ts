// Group commit for job outcomes: items added while one write is in flight go out together in the
// next, so a busy worker issues one UPDATE per batch instead of one per job (graphile-worker's
// completeJobBatchDelay: 0). A failed write keeps its items and tries again after a pause.
export type Batcher<T> = {
  add(item: T): void;
  /** Resolves once everything added so far has been written (or given up on after `attempts`). */
  flush(attempts?: number): Promise<void>;
  readonly pending: number;
};

export function createBatcher<T>(
  write: (items: T[]) => Promise<void>,
  onError: (err: unknown, items: T[]) => void,
  retryDelayMs = 1000,
): Batcher<T> {
  let buffer: T[] = [];
  let running: Promise<void> | undefined;
  let scheduled = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  async function writeAll(maxFailures: number): Promise<void> {
    let failures = 0;
    while (buffer.length > 0) {
      const items = buffer;
      buffer = [];
      try {
        await write(items);
      } catch (err) {
        onError(err, items);
        buffer = items.concat(buffer);
        if (++failures >= maxFailures) {
          retryTimer ??= setTimeout(() => {
            retryTimer = undefined;
            kick();
          }, retryDelayMs);
          return;
        }
      }
    }
  }

  function kick(maxFailures = 1): Promise<void> {
    if (running) return running;
    running = writeAll(maxFailures).finally(() => {
      running = undefined;
      // Items added during the last write were left for the next round.
      if (buffer.length > 0 && !retryTimer) schedule();
    });
    return running;
  }

  function schedule() {
    if (scheduled || running) return;
    scheduled = true;
    // setImmediate lets every task that finished in this turn of the event loop join the batch.
    setImmediate(() => {
      scheduled = false;
      void kick();
    });
  }

  return {
    add(item) {
      buffer.push(item);
      schedule();
    },
    async flush(attempts = 3) {
      if (retryTimer) {
        clearTimeout(retryTimer);
        retryTimer = undefined;
      }
      for (let i = 0; i < attempts && (running || buffer.length > 0); i++) {
        if (running) await running;
        if (buffer.length > 0) await kick(attempts);
      }
    },
    get pending() {
      return buffer.length;
    },
  };
}
