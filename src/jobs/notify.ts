// Wake-ups for idle workers: enqueue and retry send NOTIFY on JOBS_CHANNEL (delivered at commit).
// On a server every worker process LISTENs on its own connection; on PGlite the one embedded
// connection delivers the notification to the same process.
import type { Database } from '../db/client';
import { JOBS_CHANNEL } from './queue';

/** Calls `onWake` whenever new work may be ready; resolves to the function that stops listening. */
export async function listenForJobs(database: Database, onWake: () => void): Promise<() => Promise<void>> {
  if (database.sql) {
    const sub = await database.sql.listen(JOBS_CHANNEL, () => onWake());
    return () => sub.unlisten();
  }
  if (database.pglite) {
    const unlisten = await database.pglite.listen(JOBS_CHANNEL, () => onWake());
    return () => unlisten();
  }
  return async () => {};
}
