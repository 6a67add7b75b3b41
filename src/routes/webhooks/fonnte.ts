// POST /webhook/fonnte?token=… on the tenant host (CONTRACT §5). Fonnte signs nothing: the per-tenant
// token in the URL is the credential, compared in constant time, and `device` must be the tenant's
// number. Nothing is stored for a request that fails either check.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { parseFonnteWebhook } from '../../integrations/fonnte';
import type { AppEnv } from '../../lib/app-env';
import { timingSafeEqualStr } from '../../lib/crypto';
import { AppError } from '../../lib/errors';
import { validate } from '../../lib/validate';
import { findIntegrationByTemplate } from '../../repositories/integrations';
import {
  type FonnteDelivery,
  handleFonnteDeviceStatus,
  handleFonnteMessage,
  handleFonnteMessageStatus,
} from '../../services/fonnte-inbound';
import { ignored } from '../../services/webhook-answers';
import { decodeBody, readRaw } from './body';

const query = z.object({ token: z.string().max(200).optional() });

const invalid = () => new AppError('invalid_signature', 'Unknown or missing webhook token');

const digits = (value: string) => value.replace(/\D/g, '');

export const fonnteWebhookRoutes = new Hono<AppEnv>().post(
  '/',
  describeRoute({
    tags: ['Webhooks'],
    summary: 'Fonnte (WhatsApp) deliveries: incoming messages, message status, device status',
    description:
      'Paste the integration `webhookUrl` into Fonnte. JSON or form-encoded. Incoming message → lead (source ' +
      'whatsapp) + inbound message + `lead.follow_up` job, deduplicated on `inboxid` (or a hash of the body). ' +
      'Message status (`id`/`status`, `stateid`/`state`): read/played → read, delivered → delivered, sent → sent, ' +
      'failed/invalid/expired → failed; status never moves backwards. Device status `connect` → integration ' +
      'active, `disconnect` → disconnected. A suspended dealership answers 503 with Retry-After so Fonnte redelivers.',
    responses: {
      200: { description: '{ok:true, duplicate:false|true} or {ok:true, ignored:true}' },
      401: { description: 'invalid_signature: wrong or missing token, or a device that is not the dealer number' },
      503: { description: 'unavailable: dealership suspended, retry later' },
    },
  }),
  validate('query', query),
  async (c) => {
    const { deps, tenant } = c.var;
    const token = c.req.valid('query').token;
    const integration = await findIntegrationByTemplate({ db: deps.db, tenantId: tenant.id, template: 'fonnte' });
    if (!token || !integration?.webhookToken || !timingSafeEqualStr(token, integration.webhookToken)) throw invalid();

    const raw = await readRaw(c);
    const payload = decodeBody(raw, c.req.header('content-type'));
    const event = parseFonnteWebhook(payload);
    if (event.kind === 'unknown') return c.json(ignored);
    if (event.device && integration.externalAccountId && digits(event.device) !== integration.externalAccountId) {
      throw new AppError('invalid_signature', 'The delivery is for another WhatsApp device');
    }

    const delivery: FonnteDelivery = { tenant, integration, payload, raw };
    switch (event.kind) {
      case 'message':
        return c.json(await handleFonnteMessage(deps, delivery, event));
      case 'message_status':
        return c.json(await handleFonnteMessageStatus(deps, delivery, event));
      case 'device_status':
        return c.json(await handleFonnteDeviceStatus(deps, delivery, event));
    }
  },
);
