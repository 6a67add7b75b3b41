// GET /api/admin/events: the live inbox. A Server-Sent Events stream of the tenant's lead and message
// events (lead.created, lead.updated, lead.assigned, lead.status_changed, message.created) for signed-in
// staff; sales staff receive only events of their own and unassigned leads. Events come from this
// instance's in-process bus: with several instances, a client sees changes made through its own.
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { describeRoute } from 'hono-openapi';
import { uuidv7 } from 'uuidv7';
import type { AppEnv } from '../../lib/app-env';
import type { BusEvent } from '../../lib/event-bus';
import { requireRole } from '../../middleware/require-role';
import { inboxEventVisible } from '../../services/inbox-events';

export const KEEP_ALIVE_MS = 15_000;
/** A client that stops reading must not make the server buffer without bound. */
const MAX_PENDING = 1000;

type InboxBusEvent = Extract<BusEvent, { kind: 'inbox' }>;

export function eventRoutes(options: { keepAliveMs?: number } = {}) {
  const keepAliveMs = options.keepAliveMs ?? KEEP_ALIVE_MS;
  return new Hono<AppEnv>().get(
    '/',
    describeRoute({
      tags: ['Leads'],
      summary: 'Live inbox (text/event-stream)',
      description:
        'Events `ready`, `lead.created`, `lead.updated`, `lead.assigned`, `lead.status_changed`, `message.created`, each with an `id:` and JSON `data:`. A comment line every 15 s keeps the connection alive.',
      responses: { 200: { description: 'text/event-stream' }, 401: { description: 'unauthorized' } },
    }),
    requireRole('sales'),
    (c) => {
      const tenantId = c.var.tenant.id;
      const viewer = { userId: c.var.auth.userId, role: c.var.auth.role };
      const bus = c.var.deps.bus;
      return streamSSE(c, async (stream) => {
        const pending: InboxBusEvent[] = [];
        let wake: (() => void) | null = null;
        const unsubscribe = bus.subscribe((event) => {
          if (event.kind !== 'inbox' || event.tenantId !== tenantId) return;
          if (!inboxEventVisible(event.data, viewer)) return;
          if (pending.length < MAX_PENDING) pending.push(event);
          wake?.();
        });
        let closed = false;
        const stop = () => {
          closed = true;
          unsubscribe();
          wake?.();
        };
        stream.onAbort(stop);
        c.req.raw.signal.addEventListener('abort', stop, { once: true });
        try {
          await stream.writeSSE({ event: 'ready', id: uuidv7(), data: JSON.stringify({ tenantId }) });
          while (!closed && !stream.aborted) {
            const next = pending.shift();
            if (next) {
              await stream.writeSSE({ event: next.event, id: uuidv7(), data: JSON.stringify(next.data) });
              continue;
            }
            const timedOut = await new Promise<boolean>((resolve) => {
              const timer = setTimeout(() => resolve(true), keepAliveMs);
              wake = () => {
                clearTimeout(timer);
                resolve(false);
              };
            });
            wake = null;
            if (timedOut && !closed) await stream.write(': keep-alive\n\n');
          }
        } finally {
          stop();
        }
      });
    },
  );
}
