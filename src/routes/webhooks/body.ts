// Webhook bodies are read once as raw bytes (signatures are over the exact bytes) and then decoded
// as JSON or form fields, whichever the sender used. They skip validate(), so the same depth/NUL guard
// runs here on the decoded value: nothing hostile reaches a parser, a recorded event or Postgres text.
import type { Context } from 'hono';
import type { AppEnv } from '../../lib/app-env';
import { AppError } from '../../lib/errors';
import { inputProblems } from '../../lib/validate';

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
  return parsed as Record<string, unknown>;
}
