// After a refusal mid-body the node adapter stops reading: the answer goes out marked
// Connection: close, and the server reads at most 1 MiB more before the connection is closed —
// measured on the server's own socket (bytesRead), over a real loopback connection.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrapNodeRequest } from '../src/adapters/node.js';
import { generateSecret, isWebhookVerificationError } from '../src/index.js';
import { delivery } from './support/deliveries.js';
import { close, listen } from './support/http.js';
import { rawRequest, type RawExchange } from './support/raw-client.js';

const secret = generateSecret();
const MAX_BODY_BYTES = 64 * 1024;
const MiB = 1024 * 1024;

/** For each path, the bytes the server read on the connection after refusing, once it closed. */
const readAfterRefusal = new Map<string, Promise<number>>();

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    unwrapNodeRequest(req, { secret, maxBodyBytes: MAX_BODY_BYTES, readTimeoutMs: 500 }).then(
      () => res.writeHead(200).end('{"ok":true}'),
      (error: unknown) => {
        if (!isWebhookVerificationError(error)) throw error;
        const socket = req.socket;
        const at = socket.bytesRead;
        readAfterRefusal.set(
          path,
          new Promise((resolve) => {
            if (socket.destroyed) resolve(socket.bytesRead - at);
            else socket.once('close', () => resolve(socket.bytesRead - at));
          }),
        );
        if (!res.destroyed)
          res.writeHead(error.status, { 'content-type': 'application/json' }).end(`{"error":"${error.code}"}`);
      },
    );
  });
  base = await listen(server);
});
afterAll(() => close(server));

/**
 * Writes `chunk` as fast as the connection takes it until the server closes it, `maxBytes` are
 * written or `maxMs` pass. Returns the bytes handed to the socket.
 */
async function flood(exchange: RawExchange, chunk: Buffer, maxBytes: number, maxMs: number): Promise<number> {
  const { socket } = exchange;
  const deadline = performance.now() + maxMs;
  let closed = false;
  void exchange.closed.then(() => void (closed = true));
  let written = 0;
  while (!closed && !socket.destroyed && written < maxBytes && performance.now() < deadline) {
    written += chunk.length;
    if (!socket.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          socket.off('drain', done);
          resolve();
        };
        const timer = setTimeout(done, 200);
        socket.once('drain', done);
        exchange.closed.then(done, done);
      });
    }
  }
  return written;
}

describe('after a refusal mid-body, the node adapter closes the connection instead of swallowing the body', () => {
  it('a chunked body over maxBodyBytes: 413 with Connection: close, at most 1 MiB more read, then closed', async () => {
    const d = delivery(secret);
    const exchange = rawRequest(base, '/chunked', { ...d.headers, 'transfer-encoding': 'chunked' });
    // One 64 KiB chunk of the chunked encoding, sent over and over: a body with no end.
    const data = Buffer.alloc(64 * 1024, 0x20);
    const chunk = Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
    const [written, got] = await Promise.all([flood(exchange, chunk, 64 * MiB, 8_000), exchange.answer]);
    await exchange.closed;
    expect(got.status).toBe(413);
    expect(got.headers).toMatch(/\r\nconnection: close/i);
    expect(JSON.parse(got.body)).toEqual({ error: 'body_too_large' });
    const extra = await readAfterRefusal.get('/chunked');
    expect(extra).toBeLessThanOrEqual(MiB);
    // The sender got far less of its body in than it was trying to send.
    expect(written).toBeLessThan(64 * MiB);
  }, 15_000);

  it('a declared content-length over maxBodyBytes: refused unread, and the body sent anyway is not swallowed', async () => {
    const d = delivery(secret);
    const exchange = rawRequest(base, '/declared', { ...d.headers, 'content-length': String(64 * MiB) });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const [, got] = await Promise.all([flood(exchange, chunk, 64 * MiB, 8_000), exchange.answer]);
    await exchange.closed;
    expect(got.status).toBe(413);
    expect(got.headers).toMatch(/\r\nconnection: close/i);
    expect(await readAfterRefusal.get('/declared')).toBeLessThanOrEqual(MiB);
  }, 15_000);

  it('a stalled body: 408 with Connection: close, and the server closes the connection', async () => {
    const d = delivery(secret);
    const exchange = rawRequest(base, '/stalled', { ...d.headers, 'content-length': String(d.body.length) });
    exchange.socket.write(d.body.slice(0, 10));
    const got = await exchange.answer;
    expect(got.status).toBe(408);
    expect(got.headers).toMatch(/\r\nconnection: close/i);
    await exchange.closed; // the server's close, not ours: the client never ends the socket
    expect(await readAfterRefusal.get('/stalled')).toBe(0);
  });
});
