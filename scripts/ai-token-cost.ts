// What one AI lead qualification costs in tokens, measured the way production records it: the model
// step runs against the OpenAI double on the demo stock, the double counts tokens with the o200k_base
// tokenizer (gpt-4o / gpt-4o-mini), and the figures are read back from the ai_usage table.
// Run: `npx bun scripts/ai-token-cost.ts` (tests/ai/token-cost.test.ts keeps the figures honest).

import { eq } from 'drizzle-orm';
import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import { tenants } from '../drizzle/schema';
import { runModelStep } from '../src/ai/model-step';
import type { PromptMessage } from '../src/ai/prompt';
import { findUsage } from '../src/ai/usage';
import { seedDemo } from '../src/db/seed';
import { parseEnv } from '../src/env';
import { manualClock } from '../src/lib/clock';
import { createLogger } from '../src/lib/logger';
import { createTestDatabase } from '../tests/helpers/db';
import { type ChatRequest, startFakeOpenAI } from '../tests/helpers/fake-openai';

export type CostRow = {
  scenario: string;
  messages: number;
  candidates: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
};

const SHORT = 'Halo, Avanza matic 2019 masih ada? Budget sekitar 180 jt, bisa kredit?';
const TYPICAL = [
  SHORT,
  'Halo Kak, unit Avanza 1.3 G 2019 matic masih tersedia di harga Rp 175.000.000. Mau lihat langsung?',
  'Boleh, tapi DP minimal berapa ya? Terus angsuran 3 tahun kira-kira berapa per bulan?',
  'DP mulai 20% Kak, untuk angsuran tergantung leasing. Kapan bisa mampir ke showroom?',
  'Sabtu pagi bisa. Ada warna putih? Kalau tidak ada, Xenia juga boleh asal matic.',
  'Oke, saya tunggu alamatnya. Bisa test drive juga kan?',
];
const LONG = `${'Saya mau tanya-tanya dulu soal mobil keluarga yang irit dan nyaman untuk perjalanan jauh, '.repeat(10)}`;

/** A plausible model answer of typical length, picking the first candidate listed in the prompt. */
function plausibleAnswer(body: ChatRequest): string {
  const system = String((body.messages?.[0] as { content?: unknown } | undefined)?.content ?? '');
  const firstId = system.match(/- id: (\S+)/)?.[1];
  return JSON.stringify({
    intent: 'buy',
    interest: {
      brand: 'Toyota',
      model: 'Avanza',
      yearMin: 2019,
      yearMax: null,
      budgetMax: 180000000,
      transmission: 'automatic',
      fuel: null,
      bodyType: 'MPV',
    },
    temperature: 'hot',
    score: 82,
    matchedCarIds: firstId ? [firstId] : [],
    replyDraft:
      'Halo Kak, terima kasih sudah menghubungi kami. Toyota Avanza 1.3 G 2019 matic masih tersedia di harga Rp 175.000.000. Untuk kredit, DP mulai 20% dengan tenor sampai 5 tahun. Kapan Kakak bisa mampir untuk lihat unit dan test drive?',
    reasoning: 'Menyebut model, tahun dan budget, menanyakan kredit dan ingin test drive: siap membeli.',
  });
}

export async function measureTokenCost(): Promise<{
  rows: CostRow[];
  recorded: { calls: number; totalTokens: number };
}> {
  const encoder = new Tiktoken(o200kBase);
  const countTokens = (text: string) => encoder.encode(text).length;
  const fake = startFakeOpenAI({ respond: plausibleAnswer, countTokens });
  const database = await createTestDatabase();
  try {
    await seedDemo(database);
    const [tenant] = await database.db.select().from(tenants).where(eq(tenants.slug, 'demo'));
    const env = parseEnv({ NODE_ENV: 'test', OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.baseURL });
    const clock = manualClock('2025-03-10T03:00:00Z');
    const deps = { db: database.db, env, clock, log: createLogger('silent') };
    const at = (i: number) => new Date(Date.UTC(2025, 2, 10, 2, i));
    const conv = (bodies: string[]): PromptMessage[] =>
      bodies.map((body, i) => ({ direction: i % 2 === 0 ? 'in' : 'out', body, createdAt: at(i) }));

    const scenarios: { scenario: string; conversation: PromptMessage[]; noStock?: boolean }[] = [
      { scenario: 'first message, no stock offered', conversation: conv([SHORT]), noStock: true },
      { scenario: 'first message', conversation: conv([SHORT]) },
      { scenario: 'six-message chat', conversation: conv(TYPICAL) },
      {
        scenario: `worst case (${env.AI_MAX_MESSAGES} messages of ${env.AI_MAX_MESSAGE_CHARS}+ chars)`,
        conversation: conv(Array.from({ length: env.AI_MAX_MESSAGES + 4 }, () => LONG)),
      },
    ];
    const rows: CostRow[] = [];
    for (const s of scenarios) {
      fake.reset();
      const result = await runModelStep(deps, {
        tenant: tenant!,
        conversation: s.conversation,
        // A budget no car fits leaves the list empty: the prompt's fixed part alone.
        query: s.noStock ? { budgetMax: 1 } : { brand: 'Toyota', budgetMax: 200_000_000 },
        finalAttempt: true,
      });
      if (result.path !== 'model') throw new Error(`${s.scenario}: fell back (${result.fallbackReason})`);
      const u = result.qualification.usage;
      rows.push({
        scenario: s.scenario,
        messages: Math.min(s.conversation.length, env.AI_MAX_MESSAGES),
        candidates: result.qualification.candidateCarIds.length,
        promptTokens: u.promptTokens,
        completionTokens: u.completionTokens,
        totalTokens: u.totalTokens,
      });
    }
    const usage = await findUsage({ db: database.db, tenantId: tenant!.id, month: '2025-03' });
    return { rows, recorded: { calls: usage?.calls ?? 0, totalTokens: usage?.totalTokens ?? 0 } };
  } finally {
    await database.close();
    await fake.close();
  }
}

if (import.meta.main) {
  const { rows, recorded } = await measureTokenCost();
  console.table(rows);
  console.log(
    `ai_usage: ${recorded.calls} calls, ${recorded.totalTokens} tokens, ${Math.round(recorded.totalTokens / recorded.calls)} per lead on average`,
  );
}
