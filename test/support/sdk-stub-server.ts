import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { close, listen } from './http.js';

/** One request as the stub received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, exactly as sent. */
  url: string;
  headers: IncomingHttpHeaders;
}

/** What the stub answers; `delayMs` holds the answer back (for timeout and abort tests). */
export interface StubAnswer {
  status: number;
  body: unknown;
  delayMs?: number;
}

/**
 * A loopback HTTP server standing in for the Anthropic API: it records every request and answers
 * with `respond(request)`, by default 200 and a JSON body naming the path it was asked for, so a
 * test can tell the answer reached the caller unchanged.
 */
export interface SdkStubServer {
  /** `http://127.0.0.1:<port>`, for the SDK client's `baseURL`. */
  url: string;
  requests: RecordedRequest[];
  respond: (request: RecordedRequest) => StubAnswer;
  close(): Promise<void>;
}

/** Starts the stub on an ephemeral 127.0.0.1 port. */
export async function startSdkStub(): Promise<SdkStubServer> {
  const timers = new Set<NodeJS.Timeout>();
  const stub: SdkStubServer = {
    url: '',
    requests: [],
    respond: (request) => ({ status: 200, body: { stub: true, path: request.url.split('?')[0] } }),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      await close(server);
    },
  };
  const server: Server = createServer((req, res) => {
    const request: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    stub.requests.push(request);
    req.resume();
    const answer = stub.respond(request);
    const send = (): void => {
      timers.delete(timer);
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'content-type': 'application/json', 'request-id': 'req_stub' });
      res.end(JSON.stringify(answer.body));
    };
    const timer = setTimeout(send, answer.delayMs ?? 0);
    timers.add(timer);
  });
  stub.url = await listen(server);
  return stub;
}
