// Shared set-up for webhook and task tests: an app whose GoHighLevel public keys are test key pairs,
// signing helpers, a dealership with connected integrations, and counters for "nothing stored".

import { expect } from 'bun:test';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { eq } from 'drizzle-orm';
import {
  type Integration,
  integrations,
  jobs,
  leads,
  messages,
  type Tenant,
  tenants,
  webhookEvents,
} from '../../drizzle/schema';
import type { Deps } from '../../src/lib/deps';
import { createTenant, createTestApp, createUser, json, type TestApp, tokenFor } from '../helpers/app';
import { seedIntegration } from '../integrations-api/support';

const ed = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const otherEd = generateKeyPairSync('ed25519');

export const signEd25519 = (raw: string, key = ed.privateKey) => sign(null, Buffer.from(raw), key).toString('base64');
export const signRsa = (raw: string) => sign('sha256', Buffer.from(raw), rsa.privateKey).toString('base64');
export const hmacHex = (raw: string, secret: string) => createHmac('sha256', secret).update(raw).digest('hex');

export function createWebhookTestApp(env: Record<string, string> = {}) {
  return createTestApp({
    env: {
      ALLOW_PRIVATE_INTEGRATION_URLS: 'true',
      GHL_ED25519_PUBLIC_KEY: ed.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      GHL_RSA_PUBLIC_KEY: rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      ...env,
    },
  });
}

export async function integrationRow(deps: Deps, id: string): Promise<Integration> {
  return (await deps.db.select().from(integrations).where(eq(integrations.id, id)))[0]!;
}

/** A dealership with a Fonnte integration; returns its webhook path (with token). */
export async function fonnteDealer(
  t: TestApp,
  slug: string,
  options: { deviceNumber?: string; baseUrl?: string; deviceToken?: string } = {},
): Promise<{ tenant: Tenant; host: string; path: string; integration: Integration }> {
  const tenant = await createTenant(t.deps, { slug });
  const view = await seedIntegration(t.deps, tenant, 'fonnte', {
    deviceToken: options.deviceToken ?? 'fonnte-device-token',
    deviceNumber: options.deviceNumber ?? '6281200000000',
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
  });
  await t.db.update(integrations).set({ status: 'active' }).where(eq(integrations.id, view.id));
  const url = new URL(view.webhookUrl!);
  return {
    tenant,
    host: `${slug}.localhost`,
    path: `${url.pathname}${url.search}`,
    integration: await integrationRow(t.deps, view.id),
  };
}

export async function counts(deps: Deps, tenantId: string) {
  const n = async (table: typeof leads | typeof messages | typeof jobs | typeof webhookEvents) =>
    (await deps.db.select().from(table).where(eq(table.tenantId, tenantId))).length;
  return { events: await n(webhookEvents), leads: await n(leads), messages: await n(messages), jobs: await n(jobs) };
}

/**
 * Dealership `acme` sending through a fake Fonnte server, with auto-reply on, and an owner's access token:
 * the set-up of the whatsapp.send tests.
 */
export async function autoReplyDealer(t: TestApp, fonnte: { url: string; token: string }) {
  const dealer = await fonnteDealer(t, 'acme', { baseUrl: fonnte.url, deviceToken: fonnte.token });
  await t.db
    .update(tenants)
    .set({ settings: { autoReply: true } })
    .where(eq(tenants.id, dealer.tenant.id));
  t.deps.tenants.invalidate(dealer.tenant.id);
  const token = await tokenFor(t.deps, await createUser(t.deps, dealer.tenant.id, { role: 'owner' }));
  return { dealer, token };
}

/** A staff reply to the dealer's first lead (POST /api/admin/leads/:id/messages): its message and job ids. */
export async function queueStaffReply(
  t: TestApp,
  dealer: { tenant: { id: string }; host: string },
  token: string,
  body: string,
): Promise<{ messageId: string; jobId: string }> {
  const [lead] = await t.db.select().from(leads).where(eq(leads.tenantId, dealer.tenant.id)).limit(1);
  const res = await t.request(dealer.host, `/api/admin/leads/${lead!.id}/messages`, {
    method: 'POST',
    token,
    json: { body },
  });
  expect(res.status).toBe(202);
  const { data } = await json(res);
  return { messageId: data.message.id, jobId: data.jobId };
}
