// Lead queries the GoHighLevel paths need beyond the phone upsert: find by contact id, leads without
// a phone (CRM contacts), CRM-side edits, and storing the contact id after a sync.
import { and, eq, sql } from 'drizzle-orm';
import { type Lead, leads } from '../../drizzle/schema';
import type { Executor } from '../db/client';

export async function findLeadByGhlContactId({
  db,
  tenantId,
  contactId,
}: {
  db: Executor;
  tenantId: string;
  contactId: string;
}): Promise<Lead | null> {
  const [row] = await db
    .select()
    .from(leads)
    .where(and(eq(leads.tenantId, tenantId), sql`${leads.externalIds}->>'ghlContactId' = ${contactId}`))
    .limit(1);
  return row ?? null;
}

export async function findLeadByPhone({
  db,
  tenantId,
  phone,
}: {
  db: Executor;
  tenantId: string;
  phone: string;
}): Promise<Lead | null> {
  const [row] = await db
    .select()
    .from(leads)
    .where(and(eq(leads.tenantId, tenantId), eq(leads.phone, phone)))
    .limit(1);
  return row ?? null;
}

/** A lead known only by its CRM contact (no phone yet, or a message before its contact event). */
export async function insertCrmLead({
  db,
  values,
}: {
  db: Executor;
  values: {
    tenantId: string;
    contactId: string;
    phone?: string | null;
    name?: string | null;
    email?: string | null;
    tags?: string[];
  };
}): Promise<Lead> {
  const [row] = await db
    .insert(leads)
    .values({
      tenantId: values.tenantId,
      source: 'ghl',
      phone: values.phone ?? null,
      name: values.name ?? null,
      email: values.email ?? null,
      tags: values.tags ?? [],
      externalIds: { ghlContactId: values.contactId },
    })
    .returning();
  return row!;
}

/** Applies what the CRM says about a contact: given fields win; the contact id is linked. */
export async function updateLeadFromCrm({
  db,
  tenantId,
  id,
  contactId,
  changes,
}: {
  db: Executor;
  tenantId: string;
  id: string;
  contactId: string;
  changes: { name?: string | null; email?: string | null; phone?: string | null };
}): Promise<Lead> {
  const [row] = await db
    .update(leads)
    .set({
      externalIds: sql`${leads.externalIds} || ${JSON.stringify({ ghlContactId: contactId })}::jsonb`,
      updatedAt: sql`now()`,
      ...(changes.name ? { name: changes.name } : {}),
      ...(changes.email ? { email: changes.email } : {}),
      ...(changes.phone ? { phone: changes.phone } : {}),
    })
    .where(and(eq(leads.tenantId, tenantId), eq(leads.id, id)))
    .returning();
  return row!;
}

export async function touchLeadLastMessage({
  db,
  tenantId,
  id,
}: {
  db: Executor;
  tenantId: string;
  id: string;
}): Promise<Lead> {
  const [row] = await db
    .update(leads)
    .set({ lastMessageAt: sql`greatest(${leads.lastMessageAt}, now())`, updatedAt: sql`now()` })
    .where(and(eq(leads.tenantId, tenantId), eq(leads.id, id)))
    .returning();
  return row!;
}

/** Records the GoHighLevel contact id after a sync; other external ids are kept. */
export async function setGhlContactId({
  db,
  tenantId,
  id,
  contactId,
}: {
  db: Executor;
  tenantId: string;
  id: string;
  contactId: string;
}): Promise<void> {
  await db
    .update(leads)
    .set({ externalIds: sql`${leads.externalIds} || ${JSON.stringify({ ghlContactId: contactId })}::jsonb` })
    .where(and(eq(leads.tenantId, tenantId), eq(leads.id, id)));
}
