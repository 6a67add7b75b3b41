// Leads: one per tenant and phone. The upsert is a single `insert … on conflict … do update`, so two
// simultaneous first messages from one number make one lead. Every query is scoped by tenantId.
import { and, asc, count, desc, eq, getTableColumns, isNull, or, type SQL, sql } from 'drizzle-orm';
import { type Lead, leads } from '../../drizzle/schema';
import { type Executor, queryRows } from '../db/client';

export type LeadSource = Lead['source'];
export type LeadStatus = Lead['status'];

/** Who is looking: sales staff see only their own and unassigned leads. */
export type LeadViewer = { userId: string; role: 'owner' | 'admin' | 'sales' };

export function visibleTo(viewer: LeadViewer | undefined): SQL | undefined {
  if (viewer?.role !== 'sales') return undefined;
  return or(eq(leads.assignedTo, viewer.userId), isNull(leads.assignedTo));
}

export type UpsertLeadInput = {
  db: Executor;
  tenantId: string;
  phone: string;
  source: LeadSource;
  name?: string | null;
  email?: string | null;
  carId?: string | null;
  externalIds?: Record<string, string>;
};

/**
 * Creates the lead for (tenant, phone) or joins the existing one. A known lead keeps its name,
 * email and source when it has them; a newer car interest and new external ids are taken;
 * lastMessageAt moves forward.
 */
export async function upsertLeadByPhone(input: UpsertLeadInput): Promise<{ lead: Lead; created: boolean }> {
  const rows = await input.db
    .insert(leads)
    .values({
      tenantId: input.tenantId,
      phone: input.phone,
      source: input.source,
      name: input.name ?? null,
      email: input.email ?? null,
      carId: input.carId ?? null,
      externalIds: input.externalIds ?? {},
      lastMessageAt: sql`now()`,
    })
    .onConflictDoUpdate({
      target: [leads.tenantId, leads.phone],
      set: {
        name: sql`coalesce(${leads.name}, excluded.name)`,
        email: sql`coalesce(${leads.email}, excluded.email)`,
        carId: sql`coalesce(excluded.car_id, ${leads.carId})`,
        externalIds: sql`${leads.externalIds} || excluded.external_ids`,
        lastMessageAt: sql`greatest(${leads.lastMessageAt}, excluded.last_message_at)`,
        updatedAt: sql`now()`,
      },
    })
    // xmax = 0 only on a freshly inserted row: tells a new lead from a joined one in the same statement.
    .returning({ ...getTableColumns(leads), created: sql<boolean>`(xmax = 0)` });
  const { created, ...lead } = rows[0]!;
  return { lead, created: Boolean(created) };
}

export async function findLead({
  db,
  tenantId,
  id,
  viewer,
  forUpdate = false,
}: {
  db: Executor;
  tenantId: string;
  id: string;
  viewer?: LeadViewer;
  forUpdate?: boolean;
}): Promise<Lead | null> {
  const query = db
    .select()
    .from(leads)
    .where(and(eq(leads.tenantId, tenantId), eq(leads.id, id), visibleTo(viewer)))
    .limit(1);
  const rows = forUpdate ? await query.for('update') : await query;
  return rows[0] ?? null;
}

export type LeadSort = 'newest' | 'oldest' | 'last_message' | 'score' | 'name';

export type LeadFilters = {
  status?: LeadStatus;
  source?: LeadSource;
  /** A user id, or 'none' for unassigned (the route resolves 'me'). */
  assignedTo?: string;
  tag?: string;
  carId?: string;
  q?: string;
  /** ISO timestamp, or a date taken as that day in `timezone` (from inclusive, to inclusive of the whole day). */
  from?: string;
  to?: string;
  timezone: string;
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function leadConditions(tenantId: string, f: LeadFilters, viewer?: LeadViewer): SQL | undefined {
  const where: (SQL | undefined)[] = [eq(leads.tenantId, tenantId), visibleTo(viewer)];
  if (f.status) where.push(eq(leads.status, f.status));
  if (f.source) where.push(eq(leads.source, f.source));
  if (f.assignedTo === 'none') where.push(isNull(leads.assignedTo));
  else if (f.assignedTo) where.push(eq(leads.assignedTo, f.assignedTo));
  if (f.tag) where.push(sql`${leads.tags} @> array[${f.tag}]::text[]`);
  if (f.carId) where.push(eq(leads.carId, f.carId));
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`;
    const parts = [
      sql`${leads.name} ilike ${like}`,
      sql`${leads.email} ilike ${like}`,
      sql`${leads.phone} ilike ${like}`,
    ];
    // "0812 3456" finds +6281234…: compare digits without the national 0 or the country code.
    const digits = f.q.replace(/\D/g, '').replace(/^(0|62)/, '');
    if (digits.length >= 4 && /^[\d\s+().-]+$/.test(f.q)) parts.push(sql`${leads.phone} like ${`%${digits}%`}`);
    where.push(or(...parts));
  }
  if (f.from) {
    where.push(
      DATE_ONLY.test(f.from)
        ? sql`${leads.createdAt} >= (${f.from}::date::timestamp at time zone ${f.timezone})`
        : sql`${leads.createdAt} >= ${f.from}::timestamptz`,
    );
  }
  if (f.to) {
    where.push(
      DATE_ONLY.test(f.to)
        ? sql`${leads.createdAt} < ((${f.to}::date + 1)::timestamp at time zone ${f.timezone})`
        : sql`${leads.createdAt} <= ${f.to}::timestamptz`,
    );
  }
  return and(...where);
}

const orderBy: Record<LeadSort, SQL[]> = {
  newest: [desc(leads.createdAt), desc(leads.id)],
  oldest: [asc(leads.createdAt), asc(leads.id)],
  last_message: [sql`${leads.lastMessageAt} desc nulls last`, desc(leads.id)],
  score: [desc(leads.score), desc(leads.lastMessageAt), desc(leads.id)],
  name: [sql`lower(${leads.name}) asc nulls last`, asc(leads.id)],
};

export async function listLeads({
  db,
  tenantId,
  filters,
  viewer,
  sort = 'newest',
  page,
  limit,
}: {
  db: Executor;
  tenantId: string;
  filters: LeadFilters;
  viewer?: LeadViewer;
  sort?: LeadSort;
  page: number;
  limit: number;
}): Promise<{ rows: Lead[]; total: number }> {
  const where = leadConditions(tenantId, filters, viewer);
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(leads)
      .where(where)
      .orderBy(...orderBy[sort])
      .limit(limit)
      .offset((page - 1) * limit),
    db.select({ total: count() }).from(leads).where(where),
  ]);
  return { rows, total: Number(totals[0]?.total ?? 0) };
}

export type LeadPatch = Partial<
  Pick<Lead, 'name' | 'email' | 'tags' | 'notes' | 'carId' | 'assignedTo' | 'status' | 'score' | 'qualification'>
>;

export async function updateLead({
  db,
  tenantId,
  id,
  patch,
}: {
  db: Executor;
  tenantId: string;
  id: string;
  patch: LeadPatch;
}): Promise<Lead | null> {
  const [row] = await db
    .update(leads)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(and(eq(leads.tenantId, tenantId), eq(leads.id, id)))
    .returning();
  return row ?? null;
}

export type LeadStats = {
  total: number;
  byStatus: Record<string, number>;
  bySource: Record<string, number>;
  perDay: { date: string; count: number }[];
};

/** Totals by status and source and new leads per day, days counted in the tenant's time zone. */
export async function leadStats({
  db,
  tenantId,
  from,
  to,
  days = { first: from, last: to },
  timezone,
  viewer,
}: {
  db: Executor;
  tenantId: string;
  /** Inclusive bounds: local dates (YYYY-MM-DD, whole days) or ISO instants. */
  from: string;
  to: string;
  /** The local dates perDay lists (needed when from/to are instants). */
  days?: { first: string; last: string };
  timezone: string;
  viewer?: LeadViewer;
}): Promise<LeadStats> {
  const where = leadConditions(tenantId, { from, to, timezone }, viewer);
  const [byStatusRows, bySourceRows, perDayRows] = await Promise.all([
    db.select({ key: leads.status, n: count() }).from(leads).where(where).groupBy(leads.status),
    db.select({ key: leads.source, n: count() }).from(leads).where(where).groupBy(leads.source),
    queryRows<{ date: string; count: number | string }>(
      db,
      sql`
      with days as (
        select d::date as day from generate_series(${days.first}::date, ${days.last}::date, interval '1 day') d
      ), counts as (
        select (${leads.createdAt} at time zone ${timezone})::date as day, count(*) as n
        from ${leads} where ${where} group by 1
      )
      select to_char(days.day, 'YYYY-MM-DD') as date, coalesce(counts.n, 0) as count
      from days left join counts on counts.day = days.day order by days.day`,
    ),
  ]);
  const byStatus = Object.fromEntries(leads.status.enumValues.map((s) => [s, 0])) as Record<string, number>;
  for (const r of byStatusRows) byStatus[r.key] = Number(r.n);
  const bySource = Object.fromEntries(leads.source.enumValues.map((s) => [s, 0])) as Record<string, number>;
  for (const r of bySourceRows) bySource[r.key] = Number(r.n);
  return {
    total: Object.values(byStatus).reduce((a, b) => a + b, 0),
    byStatus,
    bySource,
    perDay: perDayRows.map((r) => ({ date: String(r.date), count: Number(r.count) })),
  };
}
