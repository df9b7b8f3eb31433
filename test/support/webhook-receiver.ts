// A real loopback webhook receiver for the stand-in's sender: it verifies every delivery with the
// package's own unwrapNodeRequest and records what arrived, answering what the test says.
import { createServer, type Server } from 'node:http';
import { isWebhookVerificationError, type WebhookEvent } from '../../src/index.js';
import { unwrapNodeRequest } from '../../src/adapters/node.js';
import { close, listen } from './http.js';

/** One request the receiver got. */
export interface Received {
  /** The verified event, or undefined when verification refused the request. */
  event: WebhookEvent | undefined;
  webhookId: string;
  timestamp: number;
  /** Verification's error code when it refused the request. */
  refused?: string;
  /** performance.now() at arrival. */
  atMs: number;
}

export interface TestReceiver {
  /** `http://127.0.0.1:<port>/webhooks`. */
  url: string;
  received: Received[];
  /** The status to answer a verified delivery with (default 204); called per request. */
  answer: (n: number) => number;
  close(): Promise<void>;
}

/** Starts a receiver verifying with `secret` (several = rotation). */
export async function startTestReceiver(secret: string | string[]): Promise<TestReceiver> {
  const receiver: TestReceiver = {
    url: '',
    received: [],
    answer: () => 204,
    close: () => close(server),
  };
  const server: Server = createServer((req, res) => {
    const atMs = performance.now();
    const base = {
      webhookId: String(req.headers['webhook-id']),
      timestamp: Number(req.headers['webhook-timestamp']),
      atMs,
    };
    unwrapNodeRequest(req, { secret }).then(
      (event) => {
        receiver.received.push({ ...base, event });
        res.writeHead(receiver.answer(receiver.received.length), { location: '/elsewhere' }).end();
      },
      (error: unknown) => {
        const code = isWebhookVerificationError(error) ? error.code : 'error';
        receiver.received.push({ ...base, event: undefined, refused: code });
        res.writeHead(400).end(code);
      },
    );
  });
  receiver.url = `${await listen(server)}/webhooks`;
  return receiver;
}
