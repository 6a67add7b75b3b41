// Webhook bodies are read once as raw bytes (signatures are over the exact bytes) and then decoded
// as JSON or form fields, whichever the sender used. They skip validate(), so the same depth/NUL guard
// runs here on the decoded value: nothing hostile reaches a parser, a recorded event or Postgres text.
// Half characters in text values are repaired rather than refused (repairText).
import type { Context } from 'hono';
import type { AppEnv } from '../../lib/app-env';
import { AppError } from '../../lib/errors';
import { inputProblems, MAX_INPUT_DEPTH } from '../../lib/validate';

export type RawWebhookBody = { raw: Uint8Array; payload: Record<string, unknown> };

export async function readRaw(c: Context<AppEnv>): Promise<Uint8Array> {
  return new Uint8Array(await c.req.arrayBuffer());
}

/**
 * Decodes the raw bytes; an empty body is an empty object, malformed JSON is 400 malformed_json, and a
 * body nested too deep or holding NUL characters is 400 validation_failed with the offending paths.
 */
export function decodeBody(raw: Uint8Array, contentType: string | undefined): Record<string, unknown> {
  const payload = parseBody(raw, contentType);
  const problems = inputProblems(payload);
  if (problems.length > 0) throw new AppError('validation_failed', 'Invalid request body', { details: problems });
  return payload;
}

/**
 * A sender that cut a text in the middle of an emoji sends half of a UTF-16 surrogate pair (`"\ud83d"`):
 * the half character becomes U+FFFD and the delivery is kept. Refusing it would lose the message for good,
 * since every redelivery is the same. Only a JSON escape can produce one (decoding UTF-8 never does), so
 * other bodies cost one regular-expression test; the walk is iterative and stops at the depth limit, past
 * which inputProblems refuses the body anyway.
 */
function repairHalfCharacters(text: string, parsed: object): void {
  if (!/\\u[dD][89a-fA-F]/.test(text)) return;
  const stack: [Record<string, unknown>, number][] = [[parsed as Record<string, unknown>, 0]];
  while (stack.length > 0) {
    const [container, depth] = stack.pop()!;
    for (const key of Object.keys(container)) {
      const value = container[key];
      if (typeof value === 'string') {
        if (!value.isWellFormed()) container[key] = value.toWellFormed();
      } else if (value !== null && typeof value === 'object' && depth < MAX_INPUT_DEPTH) {
        stack.push([value as Record<string, unknown>, depth + 1]);
      }
    }
  }
}

function parseBody(raw: Uint8Array, contentType: string | undefined): Record<string, unknown> {
  const text = new TextDecoder().decode(raw);
  if (text.trim() === '') return {};
  if (/^application\/x-www-form-urlencoded/i.test(contentType ?? '')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppError('malformed_json', 'Malformed JSON in request body');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AppError('validation_failed', 'Webhook body must be an object', {
      details: [{ path: '(root)', message: 'must be an object' }],
    });
  }
  repairHalfCharacters(text, parsed);
  return parsed as Record<string, unknown>;
}
