// The structured answer the model must give for a lead, as one zod schema: it is sent to OpenAI as the
// JSON Schema of the response format and validates what comes back. Structured outputs need a root
// object with every field required, so "unknown" is `null` (nullable), never a missing key.
import { z } from 'zod';

export const INTENTS = ['buy', 'sell', 'trade_in', 'service', 'other'] as const;
export const TEMPERATURES = ['hot', 'warm', 'cold'] as const;

export const ModelInterest = z.object({
  brand: z.string().nullable().describe('Car brand the customer wants, e.g. "Toyota"; null if not said'),
  model: z.string().nullable().describe('Model, e.g. "Avanza"; null if not said'),
  yearMin: z.number().int().nullable().describe('Oldest acceptable model year'),
  yearMax: z.number().int().nullable().describe('Newest acceptable model year'),
  budgetMax: z.number().int().nullable().describe('Highest price in whole units of the dealer currency'),
  transmission: z.enum(['manual', 'automatic']).nullable(),
  fuel: z.enum(['petrol', 'diesel', 'hybrid', 'electric']).nullable(),
  bodyType: z.string().nullable().describe('e.g. MPV, SUV, sedan, hatchback, pickup'),
});

export const LeadQualification = z.object({
  intent: z.enum(INTENTS),
  interest: ModelInterest,
  temperature: z.enum(TEMPERATURES).describe('hot = ready to buy soon, warm = interested, cold = browsing'),
  score: z.number().int().min(0).max(100).describe('Purchase likelihood, 0 to 100'),
  matchedCarIds: z.array(z.string()).describe('Ids of candidate cars that fit; only ids from the candidate list'),
  replyDraft: z.string().describe("A WhatsApp reply to the customer in the dealer's language"),
  reasoning: z.string().describe('One or two sentences for the salesperson on why'),
});

export type ModelInterest = z.infer<typeof ModelInterest>;
export type LeadQualification = z.infer<typeof LeadQualification>;
export type Intent = (typeof INTENTS)[number];
export type Temperature = (typeof TEMPERATURES)[number];

/** Name of the response format sent to the API (shows up in the provider's logs). */
export const RESPONSE_FORMAT_NAME = 'lead_qualification';
