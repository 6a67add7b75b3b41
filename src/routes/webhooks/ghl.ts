// POST /webhook/ghl on any host (CONTRACT §5): the tenant comes from `locationId` through its
// GoHighLevel integration. Marketplace deliveries are signed by GoHighLevel (Ed25519, or legacy
// RSA); workflow webhooks carry an HMAC made with the integration's webhook secret. Stale or
// unsigned deliveries are refused before anything is stored.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { parseGhlWebhook } from '../../integrations/ghl';
import type { AppEnv } from '../../lib/app-env';
import { AppError } from '../../lib/errors';
import { readHeader, verifyGhlSignature } from '../../lib/webhook-signatures';
import { assertTenantServing } from '../../middleware/tenant';
import { findIntegrationByExternalAccount } from '../../repositories/integrations';
import { findTenantById } from '../../repositories/tenants';
import { handleGhlContact, handleGhlMessage } from '../../services/ghl-inbound';
import { openSecrets } from '../../services/integration-config';
import { ignored } from '../../services/webhook-answers';
import { decodeBody, readRaw } from './body';

/** Deliveries older (or further ahead) than this are replays or badly delayed: refused. */
export const GHL_TIMESTAMP_TOLERANCE_MS = 5 * 60_000;

const invalid = (message = 'Missing or invalid webhook signature') => new AppError('invalid_signature', message);

export const ghlWebhookRoutes = new Hono<AppEnv>().post(
  '/',
  describeRoute({
    tags: ['Webhooks'],
    summary: 'GoHighLevel deliveries: contacts and conversation messages',
    description:
      'Signed with `x-ghl-signature` (Ed25519) or legacy `x-wh-signature` (RSA-SHA256) over the raw body, or for ' +
      'workflow webhooks `x-webhook-signature` = hex HMAC-SHA256 of the raw body with the integration webhook ' +
      'secret. Deliveries whose `timestamp` is more than 5 minutes off are refused; a repeated `webhookId` (or ' +
      'identical body) changes nothing. ContactCreate/ContactUpdate → lead (source ghl, externalIds.ghlContactId); ' +
      'InboundMessage/OutboundMessage → message on that lead (inbound queues `lead.follow_up`); other types are ' +
      'acknowledged and ignored, as are deliveries for a location no dealership has connected.',
    responses: {
      200: { description: '{ok:true, duplicate:false|true} or {ok:true, ignored:true}' },
      400: { description: 'validation_failed (a known event type without the fields it needs) or malformed_json' },
      401: { description: 'invalid_signature: missing, forged or stale' },
      503: { description: 'unavailable: dealership suspended, retry later' },
    },
  }),
  async (c) => {
    const { deps } = c.var;
    const headers = c.req.raw.headers;
    const keys = { ed25519PublicKey: deps.env.GHL_ED25519_PUBLIC_KEY, rsaPublicKey: deps.env.GHL_RSA_PUBLIC_KEY };
    const raw = await readRaw(c);

    // GoHighLevel's own signatures are checked before the body is even parsed.
    const platformSigned = Boolean(readHeader(headers, 'x-ghl-signature') || readHeader(headers, 'x-wh-signature'));
    if (platformSigned) {
      if (!verifyGhlSignature(raw, headers, keys).ok) throw invalid();
    } else if (!readHeader(headers, 'x-webhook-signature')) {
      throw invalid();
    }

    const payload = decodeBody(raw, c.req.header('content-type'));
    const event = parseGhlWebhook(payload);
    const locationId =
      event.kind === 'invalid'
        ? typeof payload.locationId === 'string'
          ? payload.locationId
          : undefined
        : event.locationId;
    const integration = locationId
      ? await findIntegrationByExternalAccount({ db: deps.db, template: 'gohighlevel', externalAccountId: locationId })
      : null;

    // Workflow webhooks: only the integration's own secret can vouch for them.
    if (!platformSigned) {
      const secret = integration ? openSecrets(deps.secrets, integration).values.webhookSecret : undefined;
      if (!secret || !verifyGhlSignature(raw, headers, { ...keys, webhookSecret: secret }).ok) throw invalid();
    }

    if (event.kind === 'invalid') {
      throw new AppError('validation_failed', `Webhook ${event.type ?? 'body'} is missing required fields`, {
        details: event.issues,
      });
    }
    if (
      event.timestamp &&
      Math.abs(deps.clock.now().getTime() - event.timestamp.getTime()) > GHL_TIMESTAMP_TOLERANCE_MS
    ) {
      throw invalid('Delivery timestamp is outside the 5-minute window');
    }
    if (!integration || event.kind === 'ignored') return c.json(ignored);

    const tenant = await findTenantById({ db: deps.db, id: integration.tenantId });
    assertTenantServing(tenant, 'retry');
    const delivery = { tenant, integrationId: integration.id, payload, raw };
    return c.json(
      event.kind === 'contact'
        ? await handleGhlContact(deps, delivery, event)
        : await handleGhlMessage(deps, delivery, event),
    );
  },
);
