// The monthly call cap and token bookkeeping on a real database.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { findUsage, monthlyCallCap, recordUsage, reserveModelCall, usageMonth } from '../../src/ai/usage';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { insertTenant } from './fixtures';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe('reserveModelCall', () => {
  test('counts calls until the cap, then refuses without counting', async () => {
    const { db } = database;
    const tenant = await insertTenant(db);
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(await reserveModelCall({ db, tenantId: tenant.id, month: '2025-03', cap: 3 }));
    expect(results).toEqual([true, true, true, false]);
    expect((await findUsage({ db, tenantId: tenant.id, month: '2025-03' }))?.calls).toBe(3);
  });

  test('concurrent reservations never overshoot the cap', async () => {
    const { db } = database;
    const tenant = await insertTenant(db);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => reserveModelCall({ db, tenantId: tenant.id, month: '2025-03', cap: 5 })),
    );
    expect(results.filter(Boolean)).toHaveLength(5);
    expect((await findUsage({ db, tenantId: tenant.id, month: '2025-03' }))?.calls).toBe(5);
  });

  test('a new month starts from zero, and tenants do not share a count', async () => {
    const { db } = database;
    const a = await insertTenant(db);
    const b = await insertTenant(db);
    expect(await reserveModelCall({ db, tenantId: a.id, month: '2025-03', cap: 1 })).toBe(true);
    expect(await reserveModelCall({ db, tenantId: a.id, month: '2025-03', cap: 1 })).toBe(false);
    expect(await reserveModelCall({ db, tenantId: a.id, month: '2025-04', cap: 1 })).toBe(true);
    expect(await reserveModelCall({ db, tenantId: b.id, month: '2025-03', cap: 1 })).toBe(true);
  });

  test('a cap of 0 turns the model off and writes nothing', async () => {
    const { db } = database;
    const tenant = await insertTenant(db);
    expect(await reserveModelCall({ db, tenantId: tenant.id, month: '2025-03', cap: 0 })).toBe(false);
    expect(await findUsage({ db, tenantId: tenant.id, month: '2025-03' })).toBeNull();
  });
});

describe('recordUsage', () => {
  test('adds tokens to the month', async () => {
    const { db } = database;
    const tenant = await insertTenant(db);
    await reserveModelCall({ db, tenantId: tenant.id, month: '2025-03', cap: 10 });
    await recordUsage({
      db,
      tenantId: tenant.id,
      month: '2025-03',
      usage: { promptTokens: 900, completionTokens: 150, totalTokens: 1050 },
    });
    await recordUsage({
      db,
      tenantId: tenant.id,
      month: '2025-03',
      usage: { promptTokens: 100, completionTokens: 50, totalTokens: 150 },
    });
    expect(await findUsage({ db, tenantId: tenant.id, month: '2025-03' })).toMatchObject({
      calls: 1,
      promptTokens: 1000,
      completionTokens: 200,
      totalTokens: 1200,
    });
  });
});

describe('month and cap settings', () => {
  test('the usage month is the UTC calendar month', () => {
    expect(usageMonth(new Date('2025-03-31T23:59:59Z'))).toBe('2025-03');
    expect(usageMonth(new Date('2025-04-01T00:00:00Z'))).toBe('2025-04');
  });

  test("a tenant's own cap wins over the operator default", () => {
    const env = { AI_MONTHLY_CALL_CAP: 2000 };
    expect(monthlyCallCap({ autoReply: false }, env)).toBe(2000);
    expect(monthlyCallCap({ autoReply: false, aiMonthlyCallCap: 50 }, env)).toBe(50);
    expect(monthlyCallCap({ autoReply: false, aiMonthlyCallCap: 0 }, env)).toBe(0);
    expect(monthlyCallCap({ autoReply: false, aiMonthlyCallCap: 'lots' }, env)).toBe(2000);
  });
});
