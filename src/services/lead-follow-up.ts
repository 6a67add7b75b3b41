// The first answer to a buyer, without any model: read their latest message, merge what it says with
// what earlier messages said, score the lead, find up to three matching cars and write the reply —
// kept as a draft for staff, or queued to WhatsApp when the tenant has auto-reply on and Fonnte connected.
// With a model configured (src/ai) the model qualifies the lead and drafts the reply first; these rules
// are its fallback, and run alone when `followUpLead` is called without `model` options.
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { cars, type Lead } from '../../drizzle/schema';
import { type ModelFollowUpOptions, modelFollowUp } from '../ai/follow-up-model';
import type { FallbackReason } from '../ai/model-step';
import { enqueue } from '../jobs/queue';
import type { Deps } from '../lib/deps';
import { recordAudit } from '../repositories/audit-logs';
import { findIntegrationByTemplate } from '../repositories/integrations';
import { findLead, type LeadPatch, updateLead } from '../repositories/leads';
import { insertMessage, latestInboundMessage } from '../repositories/messages';
import { findTenantById } from '../repositories/tenants';
import { findMatchingCars, type MatchedCar, type MatchResult, storefrontBaseUrl } from './car-matching';
import { type InboxEvent, leadEvent, messageEvent, publishInbox } from './inbox-events';
import { extractInterest, type Interest, scoreInterest, type Temperature } from './interest-extraction';
import { composeReply } from './reply-draft';

export type FollowUpResult =
  | { skipped: 'lead_not_found' | 'no_inbound_message' | 'already_answered'; leadId: string }
  | {
      leadId: string;
      basedOnMessageId: string;
      score: number;
      temperature: Temperature;
      matchedCarIds: string[];
      replyMessageId: string;
      replyStatus: 'draft' | 'queued';
      sendJobId: string | null;
      /** Who qualified the lead; with `rules`, why the model did not (absent when no model was asked). */
      path: 'model' | 'rules';
      fallbackReason?: FallbackReason;
    };

const storedInterest = z.object({
  brand: z.string().nullable(),
  model: z.string().nullable(),
  year: z.number().nullable(),
  yearMin: z.number().nullable(),
  yearMax: z.number().nullable(),
  budget: z
    .object({ kind: z.enum(['max', 'around', 'range']), amount: z.number(), min: z.number().optional() })
    .nullable(),
  transmission: z.enum(['manual', 'automatic']).nullable(),
  payment: z.enum(['cash', 'credit']).nullable(),
  downPayment: z.number().nullable(),
  urgent: z.boolean(),
  testDrive: z.boolean(),
});

/** What the conversation has said so far: the latest message wins; what it leaves out is kept. */
export function mergeInterest(previous: unknown, latest: Interest): Interest {
  const parsed = storedInterest.safeParse(previous);
  if (!parsed.success) return latest;
  const p = parsed.data;
  const sameCar = !latest.model || latest.model === p.model;
  return {
    language: latest.language,
    brand: latest.brand ?? p.brand,
    model: latest.model ?? p.model,
    // A different model starts a new search: its year and budget are not carried over blindly.
    year: latest.year ?? (sameCar && !latest.yearMin && !latest.yearMax ? p.year : null),
    yearMin: latest.yearMin ?? (sameCar && !latest.year ? p.yearMin : null),
    yearMax: latest.yearMax ?? (sameCar && !latest.year ? p.yearMax : null),
    budget: latest.budget ?? (p.budget as Interest['budget']),
    transmission: latest.transmission ?? p.transmission,
    payment: latest.payment ?? p.payment,
    downPayment: latest.downPayment ?? p.downPayment,
    urgent: latest.urgent || p.urgent,
    testDrive: latest.testDrive || p.testDrive,
  };
}

/** Staff own the status once they change it: automation moves it only from `new` or its own last value. */
function statusAfter(lead: Lead, temperature: Temperature): Lead['status'] | undefined {
  const previous = (lead.qualification as { temperature?: unknown } | null)?.temperature;
  if (lead.status === 'new' || lead.status === previous) return temperature;
  return undefined;
}

async function linkedCar(deps: Deps, tenantId: string, carId: string | null): Promise<MatchedCar | null> {
  if (!carId) return null;
  const [car] = await deps.db
    .select({
      id: cars.id,
      slug: cars.slug,
      title: cars.title,
      brand: cars.brand,
      model: cars.model,
      year: cars.year,
      price: cars.price,
      transmission: cars.transmission,
      status: cars.status,
    })
    .from(cars)
    .where(and(eq(cars.tenantId, tenantId), eq(cars.id, carId)))
    .limit(1);
  if (!car || (car.status !== 'available' && car.status !== 'booking')) return null;
  return car as MatchedCar;
}

/** Auto-reply needs the tenant's WhatsApp (Fonnte) integration connected. */
async function whatsappConnected(deps: Deps, tenantId: string): Promise<boolean> {
  return (await findIntegrationByTemplate({ db: deps.db, tenantId, template: 'fonnte' }))?.status === 'active';
}

export async function followUpLead({
  deps,
  tenantId,
  leadId,
  model,
}: {
  deps: Deps;
  tenantId: string;
  leadId: string;
  /** Ask the model first (lead.follow_up does); without it only the rules run. */
  model?: ModelFollowUpOptions;
}): Promise<FollowUpResult> {
  const { db } = deps;
  const lead = await findLead({ db, tenantId, id: leadId });
  if (!lead) return { skipped: 'lead_not_found', leadId };
  const inbound = await latestInboundMessage({ db, tenantId, leadId });
  if (!inbound) return { skipped: 'no_inbound_message', leadId };
  const answered = (q: Lead['qualification']) =>
    (q as { basedOnMessageId?: unknown } | null)?.basedOnMessageId === inbound.id;
  if (answered(lead.qualification)) return { skipped: 'already_answered', leadId };

  const tenant = await findTenantById({ db, id: tenantId });
  if (!tenant) return { skipped: 'lead_not_found', leadId };
  // A model qualification keeps the rules' reading as `rulesInterest`: that is what merges with the next message.
  const stored = lead.qualification as { interest?: unknown; rulesInterest?: unknown } | null;
  const interest = mergeInterest(stored?.rulesInterest ?? stored?.interest, extractInterest(inbound.body));
  const linked = await linkedCar(deps, tenantId, lead.carId);
  // A storefront inquiry about one listing ("masih ada?") is about that car, even if the text names none.
  const searchFor: Interest =
    linked && !interest.model ? { ...interest, brand: linked.brand, model: linked.model } : interest;
  const { score, temperature, reasons } = scoreInterest(searchFor, { carLinked: Boolean(linked) });
  // Outside the transaction: a network call must not hold the lead's row lock. Transient model
  // failures throw here, before anything is written, so the job retries cleanly.
  const ai = model
    ? await modelFollowUp(deps, { tenant, leadId, interest: searchFor, linkedCarId: linked?.id ?? null }, model)
    : null;
  const byModel = ai?.path === 'model' ? ai : null;
  // The rule-based reply (matches, links, text) is only worked out when it is the one sent.
  let matches: MatchResult = { cars: [], relaxed: false };
  let replyBody: string;
  if (byModel) {
    replyBody = byModel.replyDraft;
  } else {
    const found = await findMatchingCars({ db, tenantId, interest: searchFor, limit: 3 });
    matches = linked
      ? { cars: [linked, ...found.cars.filter((c) => c.id !== linked.id)].slice(0, 3), relaxed: false }
      : found;
    replyBody = composeReply({
      language: interest.language,
      leadName: lead.name,
      tenantName: tenant.name,
      interest: searchFor,
      matches,
      baseUrl: await storefrontBaseUrl({ db, tenant, env: deps.env }),
      locale: tenant.locale,
      currency: tenant.currency,
    });
  }
  const finalScore = byModel ? byModel.qualification.score : score;
  const finalTemperature: Temperature = byModel ? byModel.qualification.temperature : temperature;
  const fallbackReason = ai?.path === 'rules' ? ai.fallbackReason : undefined;
  const send = Boolean(tenant.settings?.autoReply) && Boolean(lead.phone) && (await whatsappConnected(deps, tenantId));

  const events: InboxEvent[] = [];
  const result = await db.transaction(async (tx): Promise<FollowUpResult> => {
    // Locked and re-checked: a retried or parallel job for the same message writes nothing twice.
    const current = await findLead({ db: tx, tenantId, id: leadId, forUpdate: true });
    if (!current) return { skipped: 'lead_not_found', leadId };
    if (answered(current.qualification)) return { skipped: 'already_answered', leadId };
    const reply = await insertMessage({
      db: tx,
      message: {
        tenantId,
        leadId,
        direction: 'out',
        channel: 'whatsapp',
        body: replyBody,
        status: send ? 'queued' : 'draft',
      },
    });
    const job = send ? await enqueue(tx, { tenantId, type: 'whatsapp.send', payload: { messageId: reply.id } }) : null;
    const qualification = byModel
      ? {
          ...byModel.qualification,
          basedOnMessageId: inbound.id,
          language: interest.language,
          rulesInterest: interest,
          replyMessageId: reply.id,
        }
      : {
          path: 'rules' as const,
          ...(ai?.path === 'rules' ? { fallbackReason: ai.fallbackReason, fallbackDetail: ai.fallbackDetail } : {}),
          basedOnMessageId: inbound.id,
          language: interest.language,
          interest,
          score,
          temperature,
          reasons,
          matchedCarIds: matches.cars.map((c) => c.id),
          relaxedMatch: matches.relaxed,
          replyMessageId: reply.id,
          qualifiedAt: deps.clock.now().toISOString(),
        };
    const status = statusAfter(current, finalTemperature);
    const patch: LeadPatch = { score: finalScore, qualification, ...(status ? { status } : {}) };
    const updated = (await updateLead({ db: tx, tenantId, id: leadId, patch }))!;
    await recordAudit({
      db: tx,
      entry: {
        tenantId,
        actor: { type: 'system' },
        action: 'lead.qualified',
        targetType: 'lead',
        targetId: leadId,
        metadata: {
          path: qualification.path,
          ...(fallbackReason ? { fallbackReason } : {}),
          score: finalScore,
          temperature: finalTemperature,
          reasons: byModel ? [byModel.qualification.reasoning] : reasons,
          replyMessageId: reply.id,
          replyStatus: reply.status,
          sendJobId: job?.id ?? null,
        },
      },
    });
    events.push(messageEvent(updated, reply), leadEvent('lead.updated', updated));
    if (status && status !== current.status) {
      events.push(leadEvent('lead.status_changed', updated, { previousStatus: current.status }));
    }
    return {
      leadId,
      basedOnMessageId: inbound.id,
      score: finalScore,
      temperature: finalTemperature,
      matchedCarIds: qualification.matchedCarIds,
      replyMessageId: reply.id,
      replyStatus: send ? 'queued' : 'draft',
      sendJobId: job?.id ?? null,
      path: qualification.path,
      ...(fallbackReason ? { fallbackReason } : {}),
    };
  });
  publishInbox(deps.bus, events);
  return result;
}
