// POST /api/leads: a storefront inquiry becomes (or joins) the lead for that phone, with the text
// stored as an inbound message and a follow-up job queued in the same transaction.
// Rate limiting (group "inquiries") is applied in app.ts, before this router.
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { describeRoute } from 'hono-openapi';
import { uuidv7 } from 'uuidv7';
import { z } from 'zod';
import type { AppEnv } from '../../lib/app-env';
import type { ErrorDetail } from '../../lib/errors';
import { normalizePhone, regionFromLocale } from '../../lib/phone';
import { auditContext } from '../../lib/request-meta';
import { type ValidateOptions, validate } from '../../lib/validate';
import { requestLogger } from '../../middleware/request-context';
import { recordAudit } from '../../repositories/audit-logs';
import { findPublishedCarBySlug } from '../../repositories/cars-search';
import { recordInboundMessage } from '../../services/inbound-messages';
import { publishInbox } from '../../services/inbox-events';

/** Fields hidden from people by the storefront; only bots fill them in. */
export const HONEYPOT_FIELDS = ['website', 'company'] as const;

const inquirySchema = z.object({
  name: z.string().trim().min(1).max(120),
  phone: z.string().trim().min(1).max(40).describe('Any usual spelling; stored as E.164 (+62…)'),
  email: z.email().max(254).or(z.literal('')).optional(),
  message: z.string().trim().min(1).max(2000),
  carSlug: z.string().trim().min(1).max(200).optional().describe('The listing asked about; must be published'),
  website: z.string().max(500).optional().describe('Honeypot: leave empty'),
  company: z.string().max(500).optional().describe('Honeypot: leave empty'),
});

/** The car an inquiry's carSlug resolved to during validation, so the handler does not look it up again. */
const resolvedCars = new WeakMap<Context, string>();

/**
 * The checks the schema cannot make (the phone's region is the tenant's, the car must be published in
 * this tenant): they run alongside the schema so one 400 lists name, phone and carSlug problems together.
 */
const inquiryChecks: ValidateOptions<typeof inquirySchema>['also'] = async ({ raw, parsed }, c) => {
  const body = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const tenant = c.var.tenant;
  const problems: ErrorDetail[] = [];
  const phone = parsed?.phone ?? body.phone;
  if (typeof phone === 'string' && phone.trim() && !normalizePhone(phone, regionFromLocale(tenant.locale)))
    problems.push({ path: 'phone', message: 'Not a valid phone number' });
  const slug = parsed ? parsed.carSlug : typeof body.carSlug === 'string' ? body.carSlug.trim() : undefined;
  if (slug && slug.length <= 200) {
    const car = await findPublishedCarBySlug({ db: c.var.deps.db, tenantId: tenant.id, slug });
    if (car) resolvedCars.set(c, car.id);
    else problems.push({ path: 'carSlug', message: 'No published car with this slug' });
  }
  return problems;
};

/**
 * A filled honeypot answers exactly like a success (201 with a fresh id) and stores nothing, so a bot
 * learns nothing; it runs before validation so a bot cannot probe the rules either.
 */
function honeypot(): MiddlewareHandler<AppEnv> {
  return async function honeypot(c, next) {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return next();
    }
    if (body && typeof body === 'object') {
      const tripped = HONEYPOT_FIELDS.some((f) => {
        const v = (body as Record<string, unknown>)[f];
        return v !== undefined && v !== null && String(v).trim() !== '';
      });
      if (tripped) {
        requestLogger(c)?.info('inquiry honeypot tripped', { tenantId: c.var.tenant.id });
        return c.json({ data: { id: uuidv7() } }, 201);
      }
    }
    return next();
  };
}

export const publicLeadRoutes = new Hono<AppEnv>().post(
  '/',
  describeRoute({
    tags: ['Storefront'],
    summary: 'Send an inquiry; a known phone joins its existing lead',
    responses: {
      201: { description: '{data:{id}}: the lead the inquiry was recorded on' },
      400: { description: 'validation_failed (also: phone not a phone number, unknown or unpublished carSlug)' },
      429: { description: 'rate_limited' },
    },
  }),
  honeypot(),
  validate('json', inquirySchema, { also: inquiryChecks }),
  async (c) => {
    const input = c.req.valid('json');
    const tenant = c.var.tenant;
    const { db, bus } = c.var.deps;
    // Both were checked by inquiryChecks during validation.
    const phone = normalizePhone(input.phone, regionFromLocale(tenant.locale))!;
    const carId = input.carSlug ? (resolvedCars.get(c) ?? null) : null;
    const result = await db.transaction(async (tx) => {
      const recorded = await recordInboundMessage({
        tx,
        tenantId: tenant.id,
        phone,
        name: input.name,
        email: input.email ? input.email.toLowerCase() : null,
        body: input.message,
        channel: 'web',
        source: 'web',
        carId,
      });
      await recordAudit({
        db: tx,
        entry: {
          tenantId: tenant.id,
          ...auditContext(c),
          action: recorded.leadCreated ? 'lead.created' : 'lead.inquiry',
          targetType: 'lead',
          targetId: recorded.lead.id,
          metadata: { source: 'web', messageId: recorded.message.id, carId, jobId: recorded.followUpJobId },
        },
      });
      return recorded;
    });
    publishInbox(bus, result.events);
    return c.json({ data: { id: result.lead.id } }, 201);
  },
);
