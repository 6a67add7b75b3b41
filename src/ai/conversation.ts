// The part of a lead's conversation the model may read: the latest messages actually exchanged with
// the customer (internal notes, unsent drafts and failed sends are not conversation), newest N only,
// so a years-long chat costs no more than a fresh one.
import { and, desc, eq, ne, notInArray } from 'drizzle-orm';
import { messages } from '../../drizzle/schema';
import type { Executor } from '../db/client';
import type { PromptMessage } from './prompt';

export async function recentConversation({
  db,
  tenantId,
  leadId,
  limit,
}: {
  db: Executor;
  tenantId: string;
  leadId: string;
  limit: number;
}): Promise<PromptMessage[]> {
  const rows = await db
    .select({ direction: messages.direction, body: messages.body, createdAt: messages.createdAt })
    .from(messages)
    .where(
      and(
        eq(messages.tenantId, tenantId),
        eq(messages.leadId, leadId),
        ne(messages.channel, 'note'),
        notInArray(messages.status, ['draft', 'failed']),
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit);
  return rows.reverse();
}
