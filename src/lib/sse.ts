// Server-Sent Events for one job (CONTRACT §6): `status`, `progress`, then `completed` or `failed`,
// each with an `id:` line and JSON data; a comment every 15 s keeps proxies from closing the
// connection; the stream ends at a terminal state. Updates arrive on the in-process bus, and a cheap
// re-read every `pollMs` covers workers in other processes. A client that leaves unsubscribes at once.
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Job } from '../../drizzle/schema';
import { jobView, terminalStatuses } from '../jobs/view';
import type { AppEnv } from './app-env';

export type JobStreamOptions = {
  jobId: string;
  /** Reads the job as the caller may see it (tenant-scoped for admins). */
  load: () => Promise<Job | undefined>;
  pollMs?: number;
  keepAliveMs?: number;
};

export function streamJobEvents(c: Context<AppEnv>, options: JobStreamOptions) {
  const { jobId, load, pollMs = 1000, keepAliveMs = 15_000 } = options;
  const bus = c.var.deps.bus;
  return streamSSE(c, async (stream) => {
    let seq = 0;
    let wake: (() => void) | undefined;
    let changed = false;
    const unsubscribe = bus.subscribe((event) => {
      if (event.kind !== 'job.updated' || event.jobId !== jobId) return;
      changed = true;
      wake?.();
    });
    stream.onAbort(() => {
      unsubscribe();
      wake?.();
    });
    const send = (event: string, data: unknown) =>
      stream.writeSSE({ id: String(++seq), event, data: JSON.stringify(data) });

    try {
      let lastStatus: string | undefined;
      let lastProgress: string | undefined;
      let lastWrite = Date.now();
      while (!stream.aborted) {
        changed = false;
        const job = await load();
        if (!job || stream.aborted) break;
        const view = jobView(job);
        if (view.status !== lastStatus) {
          lastStatus = view.status;
          await send('status', { id: view.id, status: view.status, attempts: view.attempts, runAt: view.runAt });
          lastWrite = Date.now();
        }
        const progress = `${view.progress}|${view.progressMessage ?? ''}`;
        if (progress !== lastProgress) {
          lastProgress = progress;
          await send('progress', { id: view.id, progress: view.progress, message: view.progressMessage });
          lastWrite = Date.now();
        }
        if (terminalStatuses.has(job.status)) {
          await send(job.status === 'succeeded' ? 'completed' : 'failed', view);
          break;
        }
        // Sleep until an update, the next re-read, or the next keep-alive, whichever comes first.
        const untilKeepAlive = keepAliveMs - (Date.now() - lastWrite);
        if (!changed) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.max(0, Math.min(pollMs, untilKeepAlive)));
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
        }
        if (!stream.aborted && Date.now() - lastWrite >= keepAliveMs) {
          await stream.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
      }
    } finally {
      unsubscribe();
    }
  });
}
