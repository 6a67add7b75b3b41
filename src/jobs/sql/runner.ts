// The worker's hot path speaks plain SQL text with positional parameters: prepared statements on
// postgres.js, the same text on PGlite, so one set of operation modules serves both drivers.
import type { Job } from '../../../drizzle/schema';
import type { Database } from '../../db/client';

export type Runner = <T = Record<string, unknown>>(text: string, params: unknown[]) => Promise<T[]>;

export function createRunner(database: Database): Runner {
  if (database.sql) {
    const sql = database.sql;
    return async <T>(text: string, params: unknown[]) => {
      const rows = (await sql.unsafe(text, params as never[], { prepare: true })) as unknown as Record<
        string,
        unknown
      >[];
      for (const row of rows) reviveDates(row);
      return rows as T[];
    };
  }
  const pglite = database.pglite;
  if (!pglite) throw new Error('createRunner: database has neither a postgres.js client nor PGlite');
  return async <T>(text: string, params: unknown[]) => (await pglite.query<T>(text, params as unknown[])).rows;
}

// drizzle's postgres.js driver turns the client's timestamp parsing off (it maps dates itself), so
// raw rows carry timestamps as text; the job columns that are timestamps become Dates again here.
const DATE_KEYS = ['runAt', 'lockedAt', 'completedAt', 'createdAt', 'updatedAt'] as const;

function reviveDates(row: Record<string, unknown>) {
  for (const key of DATE_KEYS) {
    const value = row[key];
    if (typeof value === 'string') row[key] = new Date(value);
  }
}

export type JobRow = Job;

/**
 * Time as a parameter. With the system clock the queue runs on the database's now(): one clock for
 * every worker host, and microsecond run_at values are never "in the future" of a millisecond Date.
 * An injected clock (tests move it by hand) is passed explicitly instead.
 */
export const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A uuid[] parameter as an array literal: text serialises the same way on both drivers. */
export const idArray = (ids: readonly string[]) => `{${ids.join(',')}}`;
