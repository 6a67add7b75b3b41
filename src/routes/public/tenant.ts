// GET /api/tenant: the storefront's view of the dealership serving this host. The answer depends on the
// tenant's row alone, so it is encoded, and its ETag taken from the encoding, once per tenant object the tenant
// cache hands out: a revalidation or a repeat costs no hashing and no serialising.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { Tenant } from '../../../drizzle/schema';
import type { AppEnv } from '../../lib/app-env';
import { etagMatches, PUBLIC_CACHE_CONTROL, publicCacheHeaders, sendJson, shortHash } from '../../lib/http-cache';
import { publicTenant } from '../../lib/serializers';

type Answer = { etag: string; body: Blob };
// Keyed by the tenant object: a reload of the row (tenant cache TTL, invalidation) is a new object, so a
// changed profile is encoded afresh and the old answer goes with the old object.
const answers = new WeakMap<Tenant, Answer>();

function answerFor(tenant: Tenant): Answer {
  let answer = answers.get(tenant);
  if (!answer) {
    const text = JSON.stringify({ data: publicTenant(tenant) });
    answer = { etag: `W/"${shortHash(text)}"`, body: new Blob([text]) };
    answers.set(tenant, answer);
  }
  return answer;
}

export const tenantRoutes = new Hono<AppEnv>().get(
  '/',
  describeRoute({
    tags: ['Storefront'],
    summary: 'Public profile of the tenant serving this host',
    description: `Answers carry a weak ETag (If-None-Match → 304) and \`Cache-Control: ${PUBLIC_CACHE_CONTROL}\`.`,
    responses: {
      200: { description: 'Tenant profile' },
      304: { description: 'Not modified' },
      404: { description: 'tenant_not_found' },
    },
  }),
  (c) => {
    const answer = answerFor(c.get('tenant'));
    publicCacheHeaders(c, answer.etag);
    if (etagMatches(c.req.header('if-none-match'), answer.etag)) return c.body(null, 304);
    return sendJson(c, answer.body);
  },
);
