// Retention: succeeded and cancelled jobs older than JOBS_RETENTION_DAYS are deleted, a bounded batch per
// statement so no pass holds many row locks or a long transaction; dead and failed jobs stay for
// inspection and retry. Ids are UUIDv7 (time-ordered), so "created before the cutoff" is a range of the
// primary key: a pass reads only old rows, oldest first, and never scans the recent part of the table.
import type { Runner } from './runner';

const PURGE_SQL = `
delete from jobs where id = any(array(
  select id from jobs
  where id < $2::uuid and status in ('succeeded', 'cancelled') and coalesce(completed_at, updated_at) < $1::timestamptz
  order by id
  limit $3
  for update skip locked
))`;

/** The smallest UUIDv7 of a millisecond: every id minted before `at` sorts below it. */
export function uuidv7Floor(at: Date): string {
  const hex = Math.max(0, Math.floor(at.getTime())).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/** Deletes one batch of finished jobs older than `retentionDays`; resolves with how many went. */
export async function purgeFinishedJobs(
  run: Runner,
  input: { now: Date; retentionDays: number; batchSize: number },
): Promise<number> {
  const cutoff = new Date(input.now.getTime() - input.retentionDays * 86_400_000);
  const rows = await run<{ n: number }>(`with gone as (${PURGE_SQL} returning 1) select count(*)::int as n from gone`, [
    cutoff.toISOString(),
    uuidv7Floor(cutoff),
    input.batchSize,
  ]);
  return Number(rows[0]?.n ?? 0);
}
