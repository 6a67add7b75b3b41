// Keeps the README's "what a lead costs" honest: the figures come from the ai_usage rows the model
// step recorded, with the double counting tokens by the o200k_base tokenizer.
import { expect, test } from 'bun:test';
import { measureTokenCost } from '../../scripts/ai-token-cost';

test('token cost per lead: recorded usage adds up, and the prompt stays within its documented bounds', async () => {
  const { rows, recorded } = await measureTokenCost();
  const [noStock, first, chat, worst] = rows;
  expect(recorded.calls).toBe(rows.length);
  expect(recorded.totalTokens).toBe(rows.reduce((sum, r) => sum + r.totalTokens, 0));

  // Fixed part (instructions + schema), then growth with candidate cars and with messages.
  expect(noStock!.candidates).toBe(0);
  expect(first!.candidates).toBe(8);
  expect(noStock!.promptTokens).toBeLessThan(1300);
  const perCar = (first!.promptTokens - noStock!.promptTokens) / first!.candidates;
  expect(perCar).toBeGreaterThan(40);
  expect(perCar).toBeLessThan(120);
  expect(chat!.promptTokens).toBeGreaterThan(first!.promptTokens);
  // The conversation is bounded, so even an endless chat of long messages has a ceiling.
  expect(worst!.messages).toBe(12);
  expect(worst!.promptTokens).toBeLessThan(4000);
}, 60_000); // seeds the demo stock (argon2 hashing) on a shared, busy machine
