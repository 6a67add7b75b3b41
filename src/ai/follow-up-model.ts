// Glue between lead.follow_up and the model step: the lead's recent conversation, and the rules'
// reading of it turned into a candidate-car query. Kept here so the rules service only has to ask
// "did the model qualify this lead?" and use the answer or carry on.
import type { Tenant } from '../../drizzle/schema';
import type { Deps } from '../lib/deps';
import type { Interest } from '../services/interest-extraction';
import type { CandidateQuery } from './candidates';
import { recentConversation } from './conversation';
import { type ModelStepResult, runModelStep } from './model-step';

export type ModelFollowUpOptions = {
  /** The job's last attempt: transient model failures fall back instead of throwing. */
  finalAttempt: boolean;
  signal?: AbortSignal;
};

/** The rules' interest as a candidate query (a stated budget of any kind caps the price). */
export function candidateQueryFromRules(interest: Interest, extra: Pick<CandidateQuery, 'text' | 'preferCarIds'>) {
  const query: CandidateQuery = {
    brand: interest.brand,
    model: interest.model,
    yearMin: interest.yearMin ?? interest.year,
    yearMax: interest.yearMax ?? interest.year,
    budgetMax: interest.budget?.amount ?? null,
    transmission: interest.transmission,
    ...extra,
  };
  return query;
}

export async function modelFollowUp(
  deps: Deps,
  input: { tenant: Tenant; leadId: string; interest: Interest; linkedCarId: string | null },
  options: ModelFollowUpOptions,
): Promise<ModelStepResult> {
  const conversation = await recentConversation({
    db: deps.db,
    tenantId: input.tenant.id,
    leadId: input.leadId,
    limit: deps.env.AI_MAX_MESSAGES,
  });
  const text = conversation
    .filter((m) => m.direction === 'in')
    .slice(-3)
    .map((m) => m.body)
    .join(' ');
  const query = candidateQueryFromRules(input.interest, {
    text,
    ...(input.linkedCarId ? { preferCarIds: [input.linkedCarId] } : {}),
  });
  return runModelStep(
    { db: deps.db, env: deps.env, clock: deps.clock, log: deps.log, fetch: deps.fetch, secrets: deps.secrets },
    {
      tenant: input.tenant,
      conversation,
      query,
      finalAttempt: options.finalAttempt,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
}
