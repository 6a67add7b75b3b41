// Lead queries the GoHighLevel paths need beyond the phone upsert: find by contact id, leads without
// a phone (CRM contacts), CRM-side edits, and storing the contact id after a sync.
import { and, eq, sql } from 'drizzle-orm';
import { type Lead, leads } from '../../drizzle/schema';
import type { Executor } from '../db/client';
import { isUniqueViolation, pgConstraint } from '../lib/errors';

/** The unique partial index on (tenant_id, external_ids->>'ghlContactId'): one lead per contact. */
export const GHL_CONTACT_KEY = 'leads_ghl_contact_key';

/** Another lead of the tenant already holds that contact id (a concurrent delivery got there first). */
export const isGhlContactTaken = (err: unknown) => isUniqueViolation(err) && pgConstraint(err) === GHL_CONTACT_KEY;

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

/**
 * The lead known by a CRM contact (no phone yet, or a message before its contact event): created, or, when
 * a concurrent delivery created it first, found through the unique contact index (the insert waits for that
 * delivery to commit) and given the fields this one brings. Two deliveries for one new contact: one lead.
 */
export async function upsertCrmLead({
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
}): Promise<{ lead: Lead; created: boolean }> {
  // drizzle cannot name an expression index as the conflict target; without one, every unique index
  // arbitrates, and the only one a phone-less lead with a fresh id can meet is the contact index.
  const [inserted] = await db
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
    .onConflictDoNothing()
    .returning();
  if (inserted) return { lead: inserted, created: true };
  const existing = await findLeadByGhlContactId({ db, tenantId: values.tenantId, contactId: values.contactId });
  if (!existing) throw new Error('CRM lead insert conflicted on something other than its contact id');
  const lead = await updateLeadFromCrm({
    db,
    tenantId: values.tenantId,
    id: existing.id,
    contactId: values.contactId,
    changes: { name: values.name ?? null, email: values.email ?? null },
  });
  return { lead, created: false };
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

/**
 * Records the GoHighLevel contact id after a sync; other external ids are kept. False when another lead
 * already holds that contact (GoHighLevel matched ours to a contact it knew): the lead stays unlinked.
 * Not for use inside a transaction that must go on: the refused update aborts it.
 */
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
}): Promise<boolean> {
  try {
    await db
      .update(leads)
      .set({ externalIds: sql`${leads.externalIds} || ${JSON.stringify({ ghlContactId: contactId })}::jsonb` })
      .where(and(eq(leads.tenantId, tenantId), eq(leads.id, id)));
    return true;
  } catch (err) {
    if (isGhlContactTaken(err)) return false;
    throw err;
  }
}
