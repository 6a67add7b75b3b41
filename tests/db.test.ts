import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/db/client';
import { createTestDatabase, type TestDatabase, usingServer } from './helpers/db';

describe(`migrations (${usingServer ? 'postgres server' : 'pglite'})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  test('apply cleanly to an empty database and create every table', async () => {
    const rows = await queryRows<{ table_name: string }>(
      database.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    expect(rows.map((r) => r.table_name)).toEqual([
      'ai_usage',
      'audit_logs',
      'car_catalog_versions',
      'cars',
      'integration_templates',
      'integrations',
      'job_leases',
      'jobs',
      'leads',
      'login_attempts',
      'messages',
      'rate_limit_buckets',
      'refresh_tokens',
      'tenant_domains',
      'tenant_provisionings',
      'tenants',
      'users',
      'webhook_events',
    ]);
  });
});
