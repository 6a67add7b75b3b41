// The model-backed starter configuration for a new dealership (platform issue): used by tenant.provision
// when the operator configured OPENAI_API_KEY. Its answer is validated by chooseStarterConfig, which
// falls back to the rules (and records why) on any failure, so provisioning never depends on the model.
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import type { Env } from '../env';
import { createOpenAIClient } from '../integrations/openai-client';
import type { ChooseWithModel, StarterInput } from '../services/starter-config';
import { starterConfigSchema } from '../services/starter-config';

/** Everything sent to the model for a starter configuration; readable by the operator. */
export const STARTER_SYSTEM_PROMPT = [
  'You set up the customer-messaging defaults of a car dealership that sells through a website and WhatsApp.',
  'From the intake answers, choose: a short preset name; whether replies may be sent automatically (autoReply);',
  'up to 12 lead tags a salesperson would filter by; reply templates (greeting, price question, test drive,',
  'financing, out of hours) in each language the dealer answers in ("id" Indonesian, "en" English), polite and',
  'short, with {{name}} for the customer name; and opening hours per weekday as HH:MM (null when closed).',
  'Give a one-sentence reason for the choice. Never invent facts about the dealer beyond the intake.',
].join(' ');

const proposalSchema = z.object({ config: starterConfigSchema, reason: z.string() });

export function starterUserPrompt(input: StarterInput): string {
  return JSON.stringify({
    dealer: { name: input.tenant.name, locale: input.tenant.locale, timezone: input.tenant.timezone },
    intake: input.intake,
  });
}

type StarterModelEnv = Pick<Env, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_MODEL' | 'AI_TIMEOUT_MS'>;

/** The chooser when the operator has a model configured; undefined means rules only. */
export function operatorStarterChooser(deps: {
  env: StarterModelEnv;
  fetch?: typeof fetch;
}): ChooseWithModel | undefined {
  const { env } = deps;
  if (!env.OPENAI_API_KEY) return undefined;
  const client = createOpenAIClient({
    apiKey: env.OPENAI_API_KEY,
    ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
    timeoutMs: env.AI_TIMEOUT_MS,
    maxRetries: 0,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  return async (input) => {
    const completion = await client.chat.completions.parse({
      model: env.OPENAI_MODEL,
      temperature: 0.2,
      messages: [
        { role: 'system', content: STARTER_SYSTEM_PROMPT },
        { role: 'user', content: starterUserPrompt(input) },
      ],
      response_format: zodResponseFormat(proposalSchema, 'starter_configuration'),
    });
    const message = completion.choices[0]?.message;
    if (!message || message.refusal || !message.parsed) return null;
    return { config: message.parsed.config, reason: message.parsed.reason };
  };
}
