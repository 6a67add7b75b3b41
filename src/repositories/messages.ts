// Messages on a lead: inbound texts, outbound replies (drafts, queued, sent…) and internal notes.
import { and, asc, desc, eq, ne } from 'drizzle-orm';
import { type Message, messages } from '../../drizzle/schema';
import type { Executor } from '../db/client';

export type NewMessage = {
  tenantId: string;
  leadId: string;
  direction: Message['direction'];
  channel: Message['channel'];
  body: string;
  status: Message['status'];
  providerMessageId?: string | null;
  authorId?: string | null;
};

export async function insertMessage({ db, message }: { db: Executor; message: NewMessage }): Promise<Message> {
  const [row] = await db.insert(messages).values(message).returning();
  return row!;
}

/** The conversation, oldest first (ids are UUIDv7, so they break ties in order of writing). */
export async function listMessages({
  db,
  tenantId,
  leadId,
}: {
  db: Executor;
  tenantId: string;
  leadId: string;
}): Promise<Message[]> {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), eq(messages.leadId, leadId)))
    .orderBy(asc(messages.createdAt), asc(messages.id));
}

/** The buyer's most recent message (notes never count). */
export async function latestInboundMessage({
  db,
  tenantId,
  leadId,
}: {
  db: Executor;
  tenantId: string;
  leadId: string;
}): Promise<Message | null> {
  const [row] = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.tenantId, tenantId),
        eq(messages.leadId, leadId),
        eq(messages.direction, 'in'),
        ne(messages.channel, 'note'),
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(1);
  return row ?? null;
}

export async function findMessage({
  db,
  tenantId,
  id,
}: {
  db: Executor;
  tenantId: string;
  id: string;
}): Promise<Message | null> {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), eq(messages.id, id)))
    .limit(1);
  return row ?? null;
}
