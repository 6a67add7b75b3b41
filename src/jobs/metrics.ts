// Job gauges for /metrics: jobs by status and the queue depth (jobs due to run now), read from the
// database at scrape time so every process reports the same truth.
import { sql } from 'drizzle-orm';
import { Gauge } from 'prom-client';
import { jobStatus } from '../../drizzle/schema';
import { queryRows } from '../db/client';
import type { Deps } from '../lib/deps';

export function registerJobMetrics(deps: Pick<Deps, 'db' | 'metrics'>): void {
  const registers = [deps.metrics.registry];
  if (deps.metrics.registry.getSingleMetric('jobs')) return;
  new Gauge({
    name: 'jobs',
    help: 'Jobs by status',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const rows = await queryRows<{ status: string; n: number }>(
        deps.db,
        sql`select status, count(*)::int as n from jobs group by status`,
      );
      const counts = new Map(rows.map((r) => [r.status, Number(r.n)]));
      for (const status of jobStatus.enumValues) this.set({ status }, counts.get(status) ?? 0);
    },
  });
  new Gauge({
    name: 'jobs_queue_depth',
    help: 'Jobs due to run now and not yet claimed (queued, or failed and past their backoff)',
    registers,
    async collect() {
      const [row] = await queryRows<{ n: number }>(
        deps.db,
        sql`select count(*)::int as n from jobs where status in ('queued', 'failed') and run_at <= now()`,
      );
      this.set(Number(row?.n ?? 0));
    },
  });
}
