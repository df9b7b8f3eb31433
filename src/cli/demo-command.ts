import type { AddressInfo } from 'node:net';
import { createWebhookServer } from '../../examples/node-http/server.js';
import { EVENT_TYPES, generateSecret } from '../index.js';
import { parse } from './args.js';
import type { Output } from './io.js';
import { sendCommand } from './send-command.js';

export const DEMO_USAGE: string = `Usage: managed-agents-webhooks demo [--verbose]

Starts the examples/node-http receiver (this library + dedupe on event.id) on an ephemeral
127.0.0.1 port with a fresh secret, then runs \`send --all --attacks\` against it: every event
type, and for each a tampered body, a wrong secret, a stale and a future timestamp, a missing
signature and a duplicate re-delivery (same webhook-id, signed again with a new timestamp, as
Anthropic's retries are). Exits 0 only if every outcome was as expected; a 3xx answer stops the
run and exits 1, because Anthropic disables an endpoint that answers a redirect.`;

export async function demoCommand(args: string[], io: Output): Promise<number> {
  const parsed = parse(args, { verbose: { type: 'boolean' } });
  if (parsed.values.help) return (io.out(DEMO_USAGE), 0);
  const secret = generateSecret();
  const server = createWebhookServer({ secret });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/webhooks`;
  io.out(`receiver: examples/node-http on ${url}, with a secret generated for this run`);
  io.out(`sending ${EVENT_TYPES.length} event types × 7 cases\n`);
  try {
    const flags = ['--secret', secret, '--all', '--attacks', ...(parsed.values.verbose ? ['--verbose'] : [])];
    return await sendCommand([url, ...flags], io);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
