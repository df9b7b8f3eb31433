import type { AddressInfo } from 'node:net';
import { EVENT_TYPES, generateSecret } from '../index.js';
import { parse } from './args.js';
import { createDemoReceiver } from './demo-receiver.js';
import type { Output } from './io.js';
import { rehearsal } from './rehearsal.js';
import { sendCommand } from './send-command.js';

export const DEMO_USAGE: string = `Usage: managed-agents-webhooks demo [--verbose]

Starts a node:http receiver like examples/node-http (this library + dedupe on event.id) on an ephemeral
127.0.0.1 port with a fresh secret, then runs \`send --all --attacks\` against it: every event
type, and for each a tampered body, a wrong secret, a stale and a future timestamp, a missing
signature and a duplicate re-delivery (same webhook-id, signed again with a new timestamp, as
Anthropic's retries are). Exits 0 only if every outcome was as expected; a 3xx answer stops the
run and exits 1, because Anthropic disables an endpoint that answers a redirect.

It ends with a rehearsal (about 10 s): the platform stand-in (managed-agents-webhooks/simulate)
drives a level-triggered pipeline with a reconciliation sweep through dropped, duplicated and
reordered deliveries and a receiver outage longer than the sender's retry window, and prints what
the sender lost and what was handled anyway. The handled versions and leases live in Redis at
$REDIS_URL when set, else in a throwaway redis-server when one is on the PATH (both need the
optional peer ioredis; the demo's keys are removed afterwards), else in memory; the output says
which. It needs the optional peer @anthropic-ai/sdk; without it the rehearsal is skipped with a note.`;

export async function demoCommand(args: string[], io: Output): Promise<number> {
  const parsed = parse(args, { verbose: { type: 'boolean' } });
  if (parsed.values.help) return (io.out(DEMO_USAGE), 0);
  const secret = generateSecret();
  const server = createDemoReceiver(secret);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/webhooks`;
  io.out(
    `receiver: node:http + unwrapNodeRequest + the memory guard (as in examples/node-http) on ${url}, with a secret generated for this run`,
  );
  io.out(`sending ${EVENT_TYPES.length} event types × 7 cases\n`);
  let code: number;
  try {
    const flags = ['--secret', secret, '--all', '--attacks', ...(parsed.values.verbose ? ['--verbose'] : [])];
    code = await sendCommand([url, ...flags], io);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  // A redirect already failed the run: the rehearsal would only bury that line.
  if (code !== 0) return code;
  return await rehearsal(io);
}
