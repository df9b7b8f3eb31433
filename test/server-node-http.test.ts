import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookServer } from '../examples/node-http/server.js';
import { unwrapNodeRequest } from '../src/adapters/node.js';
import { WebhookVerificationError, generateSecret } from '../src/index.js';
import { delivery } from './support/deliveries.js';
import { close, listen, post } from './support/http.js';
import { receiverContract } from './support/receiver-contract.js';

describe('examples/node-http: unwrapNodeRequest reading a node:http request stream', () => {
  receiverContract(async ({ secret, log }) => {
    const server = createWebhookServer({ secret, log });
    const base = await listen(server);
    return { url: `${base}/webhooks`, stop: () => close(server) };
  });
});

describe('unwrapNodeRequest on a live node:http request', () => {
  const secret = generateSecret();
  let server: Server;
  let base = '';
  // Each request's outcome, for the tests that cannot read it from the response.
  const outcomes = new Map<string, Promise<unknown>>();
  const arrived = new Map<string, () => void>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const name = req.url ?? '';
      const outcome = receive(req, name).then(
        (event) => {
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ ok: true, type: event.data.type }));
          return event;
        },
        (err: unknown) => {
          const e = err as WebhookVerificationError;
          if (!res.destroyed)
            res
              .writeHead(e.status, { 'content-type': 'application/json' })
              .end(JSON.stringify({ error: e.code, message: e.message }));
          return err;
        },
      );
      outcomes.set(name, outcome);
      arrived.get(name)?.();
    });
    base = await listen(server);
  });
  afterAll(() => close(server));

  async function receive(req: IncomingMessage, name: string): Promise<{ data: { type: string } }> {
    if (name === '/read-first') for await (const _chunk of req);
    return unwrapNodeRequest(req, { secret, maxBodyBytes: name === '/small' ? 64 * 1024 : undefined });
  }

  it('answers 413 on an oversized body with Connection: close, then serves the next delivery on a new connection', async () => {
    // node:http's client sends the whole body even after the answer arrives; the server stops
    // reading it instead (issue 10), so the write ends in EPIPE/ECONNRESET after the 413 came back.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // Chunked, so there is no content-length to refuse it by: the adapter reads until the limit.
      const big = await send(
        agent,
        `${base}/small`,
        { ...delivery(secret).headers, 'transfer-encoding': 'chunked' },
        Buffer.alloc(16 * 1024 * 1024, 0x20),
        { tolerateWriteError: true },
      );
      expect(big.status).toBe(413);
      expect(big.connection).toBe('close');
      expect(JSON.parse(big.body).error).toBe('body_too_large');
      const d = delivery(secret);
      const next = await send(
        agent,
        `${base}/small`,
        { ...d.headers, 'content-length': String(d.body.length) },
        Buffer.from(d.body),
      );
      expect(next).toMatchObject({ status: 200, reusedSocket: false });
    } finally {
      agent.destroy();
    }
  });

  it('refuses with invalid_body, and the socket error as cause, when the sender aborts mid-body', async () => {
    const d = delivery(secret);
    const reached = new Promise<void>((resolve) => arrived.set('/aborted', resolve));
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    const head = Object.entries(d.headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(
      `POST /aborted HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: ${d.body.length}\r\n${head}\r\n${d.body.slice(0, 20)}`,
    );
    await reached;
    socket.destroy();

    const err = await outcomes.get('/aborted');
    expect(err).toBeInstanceOf(WebhookVerificationError);
    expect((err as WebhookVerificationError).code).toBe('invalid_body');
    expect((err as WebhookVerificationError).message).toContain('could not be read to its end');
    expect((err as WebhookVerificationError).cause).toBeInstanceOf(Error);
  });

  it('refuses with 400 invalid_body when something read the stream first and kept nothing', async () => {
    const answer = await post(`${base}/read-first`, delivery(secret));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_body');
    expect(answer.body.message).toContain('already read');
  });
});

/** POSTs with node:http, resolving once the whole body is sent and the whole answer read. */
function send(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  { tolerateWriteError = false } = {},
): Promise<{ status: number; body: string; reusedSocket: boolean; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers });
    // With tolerateWriteError, a body cut short after the answer arrived still counts as sent.
    const sent = new Promise<void>((done) => {
      req.end(body, done);
      if (tolerateWriteError) req.on('error', () => done());
    });
    let answered = false;
    req.on('error', (error) => {
      if (!(tolerateWriteError && answered)) reject(error);
    });
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const answer = {
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          reusedSocket: req.reusedSocket,
          connection: res.headers.connection,
        };
        void sent.then(() => resolve(answer));
      });
    });
  });
}
