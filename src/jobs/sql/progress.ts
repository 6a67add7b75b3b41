// Progress: a running task records how far it got (0–100 and a message) on its own job only.
import { iso, type Runner } from './runner';

const PROGRESS = `
update jobs set progress = $3, progress_message = $4, updated_at = coalesce($5::timestamptz, now())
where id = $2 and locked_by = $1 and status = 'running'
returning id`;

export async function recordProgress(
  run: Runner,
  input: { workerId: string; id: string; percent: number; message: string | null; now: Date | null },
): Promise<boolean> {
  const percent = Math.max(0, Math.min(100, Math.round(Number.isFinite(input.percent) ? input.percent : 0)));
  const rows = await run(PROGRESS, [
    input.workerId,
    input.id,
    percent,
    input.message?.slice(0, 500) ?? null,
    iso(input.now),
  ]);
  return rows.length > 0;
}
