// EXPLAIN ANALYZE of every storefront filter and sort, for a 2,000-car tenant and the 100,000-car one, so the
// index behind each query is visible. `bun bench/listing/explain.ts [databaseUrl]` (default: the database
// `npm run bench` leaves behind); run.ts calls explainAll() and puts the summary into bench/RESULTS.md.
import postgres from 'postgres';
import { type CarFilters, type CarSort, carPageSql } from '../../src/repositories/cars-search';

export type ExplainCase = { label: string; filters?: CarFilters; sort?: CarSort; page?: number };

export const CASES: ExplainCase[] = [
  { label: 'plain page (newest)' },
  { label: 'sort price_asc', sort: 'price_asc' },
  { label: 'sort price_desc', sort: 'price_desc' },
  { label: 'sort year_desc', sort: 'year_desc' },
  { label: 'sort mileage_asc', sort: 'mileage_asc' },
  { label: 'brand', filters: { brand: 'toyota' } },
  { label: 'brand + model', filters: { brand: 'honda', model: 'brio' } },
  { label: 'brand + price_asc', filters: { brand: 'toyota' }, sort: 'price_asc' },
  { label: 'yearMin..yearMax', filters: { yearMin: 2019, yearMax: 2021 } },
  { label: 'priceMin..priceMax', filters: { priceMin: 150_000_000, priceMax: 200_000_000 } },
  { label: 'transmission', filters: { transmission: 'manual' } },
  { label: 'fuel', filters: { fuel: 'electric' } },
  { label: 'bodyType', filters: { bodyType: 'sedan' } },
  { label: 'q (relevance)', filters: { q: 'keluarga irit' }, sort: 'relevance' },
  { label: 'q + price_asc', filters: { q: 'family car' }, sort: 'price_asc' },
  { label: 'deep page 50', page: 50 },
];

type Plan = { text: string; ms: number; indexes: string[] };

async function explain(sql: postgres.Sql, text: string, params: unknown[]): Promise<Plan> {
  const rows = await sql.unsafe(`explain (analyze, buffers, costs off) ${text}`, params as never[]);
  const lines = rows.map((r) => String(r['QUERY PLAN']));
  const ms = Number(lines.find((l) => l.startsWith('Execution Time'))?.match(/([\d.]+) ms/)?.[1] ?? NaN);
  const indexes = [...new Set(lines.flatMap((l) => [...l.matchAll(/(?:using|on) (cars_\w+)/g)].map((m) => m[1]!)))];
  return { text: lines.join('\n'), ms, indexes };
}

export type ExplainRow = { label: string; small: { page: Plan; count: Plan }; big: { page: Plan; count: Plan } };

export async function explainAll(url: string, smallTenantId: string, bigTenantId: string): Promise<ExplainRow[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const out: ExplainRow[] = [];
  for (const c of CASES) {
    const run = async (tenantId: string) => {
      const q = carPageSql({
        tenantId,
        filters: c.filters ?? {},
        sort: c.sort ?? 'newest',
        page: c.page ?? 1,
        limit: 20,
      });
      await explain(sql, q.page.text, q.page.params); // warm the cache so timings are steady-state
      return {
        page: await explain(sql, q.page.text, q.page.params),
        count: await explain(sql, q.count.text, q.count.params),
      };
    };
    out.push({ label: c.label, small: await run(smallTenantId), big: await run(bigTenantId) });
  }
  await sql.end();
  return out;
}

export function explainSummary(rows: ExplainRow[]): string {
  const lines = [
    '| query | page: index used | page ms @2k | page ms @100k | count ms @2k | count ms @100k |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.label} | ${r.big.page.indexes.join(', ') || 'seq scan'} | ${r.small.page.ms.toFixed(2)} | ${r.big.page.ms.toFixed(2)} | ${r.small.count.ms.toFixed(2)} | ${r.big.count.ms.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.main) {
  const url = process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/showroom_bench';
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const tenants = await sql<{ id: string; n: number }[]>`
    select tenant_id as id, count(*)::int as n from cars group by tenant_id order by n desc`;
  await sql.end();
  const big = tenants[0]!;
  const small = tenants[tenants.length - 1]!;
  const rows = await explainAll(url, small.id, big.id);
  for (const r of rows) {
    process.stdout.write(`\n### ${r.label}\n-- ${small.n} cars, page:\n${r.small.page.text}\n`);
    process.stdout.write(
      `-- ${big.n} cars, page:\n${r.big.page.text}\n-- ${big.n} cars, count:\n${r.big.count.text}\n`,
    );
  }
  process.stdout.write(`\n${explainSummary(rows)}\n`);
}
