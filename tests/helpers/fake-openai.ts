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

type ChatRequest = {
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
}): Record<string, unknown> {
  const prompt = 42;
  const completion = input.content ? Math.max(1, Math.ceil(input.content.length / 4)) : 1;
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

export function startFakeOpenAI(
  options: { apiKey?: string; models?: string[]; port?: number; respond?: (body: ChatRequest) => string } = {},
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
        return { json: chatCompletion({ content, model: body.model }) };
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
