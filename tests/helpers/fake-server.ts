// A scriptable local HTTP server the provider fakes are built on: it records every request and
// answers from a queue of scripted responses, falling back to the provider's default behaviour.
// (Network failures: close the server, or point the client at a closed port.)

export type RecordedRequest = {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  rawBody: string;
  /** JSON or form-decoded body (form values are strings); undefined when empty or unreadable. */
  body: unknown;
};

export type ScriptedResponse = {
  status?: number;
  /** Serialised as the JSON body. */
  json?: unknown;
  /** Sent as-is (use for malformed bodies); wins over `json`. */
  body?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (simulate a slow provider / client timeout). */
  delayMs?: number;
  /** Only consumed by a request whose path equals or starts with this (e.g. "/send"). */
  path?: string;
};

export type FakeServer = {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Queue responses, consumed in order by matching requests before the default handler runs. */
  enqueue(...responses: ScriptedResponse[]): void;
  /** Forget recorded requests and queued responses. */
  reset(): void;
  close(): Promise<void>;
};

export type DefaultHandler = (req: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>;

function parseBody(raw: string, contentType: string): unknown {
  if (!raw) return undefined;
  if (contentType.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function toResponse(scripted: ScriptedResponse): Response {
  const headers = new Headers(scripted.headers);
  let body: string | null = null;
  if (scripted.body !== undefined) body = scripted.body;
  else if (scripted.json !== undefined) {
    body = JSON.stringify(scripted.json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  return new Response(body, { status: scripted.status ?? 200, headers });
}

export function startFakeServer(options: { port?: number; handler: DefaultHandler; onReset?: () => void }): FakeServer {
  const requests: RecordedRequest[] = [];
  let queue: ScriptedResponse[] = [];

  const server = Bun.serve({
    port: options.port ?? 0,
    hostname: '127.0.0.1',
    // Scripted delays can exceed Bun's default idle timeout (10 s); 0 disables it.
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const rawBody = await request.text();
      const headers: Record<string, string> = {};
      request.headers.forEach((value, key) => {
        headers[key.toLowerCase()] = value;
      });
      const recorded: RecordedRequest = {
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        rawBody,
        body: parseBody(rawBody, headers['content-type'] ?? ''),
      };
      requests.push(recorded);

      const index = queue.findIndex((r) => !r.path || recorded.path.startsWith(r.path));
      const scripted = index >= 0 ? queue.splice(index, 1)[0]! : await options.handler(recorded);
      if (scripted.delayMs) await Bun.sleep(scripted.delayMs);
      return toResponse(scripted);
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port!,
    requests,
    enqueue(...responses) {
      queue.push(...responses);
    },
    reset() {
      requests.length = 0;
      queue = [];
      options.onReset?.();
    },
    async close() {
      await server.stop(true);
    },
  };
}
