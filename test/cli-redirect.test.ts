// send and demo through the built CLI (dist/cli.js): a 3xx answer is fatal, because Anthropic
// disables an endpoint at once when it answers a redirect, and never replays what it missed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookServer } from '../examples/node-http/server.js';
import { EVENT_TYPES, generateSecret } from '../src/index.js';
import { run } from './support/cli.js';
import { close, listen } from './support/http.js';

const secret = generateSecret();

/** A server answering every POST with `status`, counting the requests it got. */
function redirecting(
  status: number,
  location: (req: IncomingMessage) => string | undefined,
): Server & { hits: number } {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    server.hits++;
    req.resume();
    const to = location(req);
    req.on('end', () => res.writeHead(status, to === undefined ? {} : { location: to }).end());
  }) as Server & { hits: number };
  server.hits = 0;
  return server;
}

describe('send: a 3xx answer is fatal', () => {
  const servers: Array<Server & { hits: number }> = [];
  afterAll(async () => {
    for (const server of servers) await close(server);
  });
  async function start(status: number, location: (req: IncomingMessage) => string | undefined) {
    const server = redirecting(status, location);
    servers.push(server);
    return { server, base: await listen(server) };
  }

  it.each([301, 302, 303, 307, 308])(
    'a trailing-slash redirect (%i) stops the run after the first delivery, naming the consequence',
    async (status) => {
      const { server, base } = await start(status, (req) => `${req.url ?? ''}/`);
      const r = await run(['send', `${base}/webhooks`, '--secret', secret, '--all', '--attacks']);
      expect(r.code).toBe(1);
      // Stopped at once: the platform would have disabled the endpoint on this first answer.
      expect(server.hits).toBe(1);
      expect(r.stderr).toContain(`fatal: ${base}/webhooks answered ${status} to /webhooks/.`);
      expect(r.stderr).toMatch(/an endpoint that answers a 3xx is disabled at once/);
      expect(r.stderr).toMatch(/nothing emitted while it is disabled is ever replayed/);
      expect(r.stderr).toMatch(/Register the final URL/);
      expect(r.stdout).toContain('1 NOT as expected');
    },
  );

  it('an HTTP→HTTPS redirect is not followed either', async () => {
    const { server, base } = await start(308, (req) => `https://example.invalid${req.url ?? ''}`);
    const r = await run(['send', `${base}/webhooks`, '--secret', secret, '--type', 'session.status_idled']);
    expect(r.code).toBe(1);
    expect(server.hits).toBe(1);
    expect(r.stderr).toContain('answered 308 to https://example.invalid/webhooks.');
    expect(r.stderr).toMatch(/✗ session\.status_idled — valid: answered 308: a redirect \(3xx\)/);
  });

  it('a 3xx without a Location is fatal too', async () => {
    const { base } = await start(304, () => undefined);
    const r = await run(['send', `${base}/webhooks`, '--secret', secret, '--type', 'agent.created']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`fatal: ${base}/webhooks answered 304. Anthropic does not follow redirects`);
  });
});

describe('send --all and demo cover every type', () => {
  const receiver = createWebhookServer({ secret });
  let url = '';
  beforeAll(async () => {
    url = `${await listen(receiver)}/webhooks`;
  });
  afterAll(() => close(receiver));

  it(`send --all sends all ${EVENT_TYPES.length} types, the external storage ones among them`, async () => {
    expect(EVENT_TYPES).toHaveLength(52);
    const r = await run(['send', url, '--secret', secret, '--all', '--verbose']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('52 delivered, 0 rejected as expected, 0 duplicates ignored, all as expected');
    expect(r.stdout).toMatch(/external_storage\.failed\s+valid\s+2xx\s+200/);
    expect(r.stdout).toMatch(/external_storage\.recovered\s+valid\s+2xx\s+200/);
  });

  it('send --help and demo --help say a redirect stops the run and why', async () => {
    for (const command of ['send', 'demo']) {
      const r = await run([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/3xx answer stops the run and exits 1, because Anthropic disables/);
    }
  });
});
