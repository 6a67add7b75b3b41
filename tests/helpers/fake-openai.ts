// A local stand-in for the OpenAI API that the real `openai` SDK can talk to: chat completions
// (plain, structured-output JSON, refusals), the models list, and OpenAI-shaped errors on demand.
import { type FakeServer, type ScriptedResponse, startFakeServer } from './fake-server';

export type FakeOpenAI = FakeServer & {
  apiKey: string;
  /** Base URL for the SDK (`…/v1`). */
  baseURL: string;
  /** Queue a successful completion whose message content is `content` (objects are JSON-encoded). */
  enqueueCompletion(content: unknown, options?: { finishReason?: string; model?: string }): void;
  enqueueRefusal(refusal: string): void;
  enqueueError(
    status: number,
    message: string,
    options?: { code?: string; type?: string; headers?: Record<string, string> },
  ): void;
};

export type ChatRequest = {
  model?: string;
  messages?: unknown[];
  response_format?: { type?: string; json_schema?: { name?: string; schema?: JsonSchema } };
};
type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minimum?: number;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
};

let completionSeq = 0;

export function chatCompletion(input: {
  content?: string | null;
  refusal?: string | null;
  model?: string;
  finishReason?: string;
  usage?: { promptTokens: number; completionTokens: number };
}): Record<string, unknown> {
  const prompt = input.usage?.promptTokens ?? 42;
  const completion =
    input.usage?.completionTokens ?? (input.content ? Math.max(1, Math.ceil(input.content.length / 4)) : 1);
  return {
    id: `chatcmpl-fake${++completionSeq}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: input.model ?? 'gpt-4o-mini-2024-07-18',
    system_fingerprint: 'fp_fake',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: input.content ?? null,
          refusal: input.refusal ?? null,
          annotations: [],
        },
        finish_reason: input.finishReason ?? 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

export function openAIError(
  status: number,
  message: string,
  options: { code?: string; type?: string; headers?: Record<string, string> } = {},
): ScriptedResponse {
  const type =
    options.type ??
    (status === 429
      ? 'requests'
      : status >= 500
        ? 'server_error'
        : status === 401
          ? 'invalid_request_error'
          : 'invalid_request_error');
  return {
    status,
    json: { error: { message, type, param: null, code: options.code ?? null } },
    ...(options.headers ? { headers: options.headers } : {}),
  };
}

/** A value that satisfies a (strict, structured-outputs style) JSON Schema, for hand runs without scripting. */
function sampleFor(schema: JsonSchema | undefined, root: JsonSchema): unknown {
  if (!schema) return null;
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    return sampleFor(root.$defs?.[name] ?? root.definitions?.[name], root);
  }
  if (schema.enum?.length) return schema.enum[0];
  if (schema.anyOf?.length) return sampleFor(schema.anyOf.find((s) => s.type !== 'null') ?? schema.anyOf[0], root);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, sampleFor(s, root)]));
    case 'array':
      return [];
    case 'string':
      return 'sample';
    case 'integer':
    case 'number':
      return schema.minimum !== undefined && schema.minimum > 50 ? schema.minimum : 50;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

/**
 * Token usage the way the chat API counts it, given a tokenizer: ~3 tokens of framing per message
 * plus its role and content, 3 to prime the reply, and the response-format schema (which the API
 * puts in front of the model too). An estimate of the real bill, not a copy of it.
 */
export function estimateUsage(
  body: ChatRequest,
  content: string,
  countTokens: (text: string) => number,
): { promptTokens: number; completionTokens: number } {
  let prompt = 3;
  for (const m of (body.messages ?? []) as { role?: string; content?: unknown }[]) {
    prompt +=
      3 +
      countTokens(String(m.role ?? '')) +
      countTokens(typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''));
  }
  if (body.response_format?.json_schema) prompt += countTokens(JSON.stringify(body.response_format.json_schema));
  return { promptTokens: prompt, completionTokens: countTokens(content) };
}

export function startFakeOpenAI(
  options: {
    apiKey?: string;
    models?: string[];
    port?: number;
    respond?: (body: ChatRequest) => string;
    /** When given, unscripted completions report usage estimated with this tokenizer (see estimateUsage). */
    countTokens?: (text: string) => number;
  } = {},
): FakeOpenAI {
  const apiKey = options.apiKey ?? 'sk-fake-openai-key';
  const models = options.models ?? ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'];

  const server = startFakeServer({
    port: options.port,
    handler(req) {
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        return openAIError(401, 'Incorrect API key provided.', { code: 'invalid_api_key' });
      }
      if (req.method === 'GET' && req.path === '/v1/models') {
        return {
          json: {
            object: 'list',
            data: models.map((id) => ({ id, object: 'model', created: 1715367049, owned_by: 'system' })),
          },
        };
      }
      if (req.method === 'POST' && req.path === '/v1/chat/completions') {
        const body = req.body as ChatRequest | undefined;
        if (!body?.model || !Array.isArray(body.messages) || body.messages.length === 0) {
          return openAIError(400, "Missing required parameter: 'messages'.", {
            code: 'missing_required_parameter',
          });
        }
        const schema = body.response_format?.json_schema?.schema;
        const content = options.respond
          ? options.respond(body)
          : schema
            ? JSON.stringify(sampleFor(schema, schema))
            : 'Terima kasih, tim kami akan segera menghubungi Anda.';
        const usage = options.countTokens ? estimateUsage(body, content, options.countTokens) : undefined;
        return { json: chatCompletion({ content, model: body.model, ...(usage ? { usage } : {}) }) };
      }
      return openAIError(404, `Invalid URL (${req.method} ${req.path})`);
    },
  });

  return Object.assign(server, {
    apiKey,
    baseURL: `${server.url}/v1`,
    enqueueCompletion(content: unknown, opts: { finishReason?: string; model?: string } = {}) {
      server.enqueue({
        path: '/v1/chat/completions',
        json: chatCompletion({
          content: typeof content === 'string' ? content : JSON.stringify(content),
          ...opts,
        }),
      });
    },
    enqueueRefusal(refusal: string) {
      server.enqueue({ path: '/v1/chat/completions', json: chatCompletion({ content: null, refusal }) });
    },
    enqueueError(
      status: number,
      message: string,
      opts: { code?: string; type?: string; headers?: Record<string, string> } = {},
    ) {
      server.enqueue(openAIError(status, message, opts));
    },
  });
}
