// The built CLI (dist/cli.js), run as a child process the way users and scripts run it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookServer } from '../examples/node-http/server.js';
import { createSampleEvent, generateSecret, sign } from '../src/index.js';
import { run, type Run } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'maw-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
}

const secret = generateSecret();

describe('secret and sign', () => {
  it('secret prints a fresh whsec_ secret', async () => {
    const a = await run(['secret']);
    const b = await run(['secret']);
    expect(a.code).toBe(0);
    expect(a.stdout.trim()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(a.stdout).not.toBe(b.stdout);
  });

  it('sign --type prints headers and a body that the reference library accepts', async () => {
    const r = await run(['sign', '--secret', secret, '--type', 'session.thread_created', '--id', 'msg_cli']);
    expect(r.code).toBe(0);
    const [head = '', body = ''] = r.stdout.split('\n\n');
    const headers = Object.fromEntries(head.split('\n').map((l) => l.split(': ') as [string, string]));
    expect(headers['webhook-id']).toBe('msg_cli');
    expect(new Webhook(secret).verify(body.trim(), headers)).toMatchObject({
      data: { type: 'session.thread_created' },
    });
  });

  it('sign --body signs the file byte for byte, and --curl prints a command', async () => {
    const path = file('body.json', '{"a": 1}\n');
    const r = await run([
      'sign',
      '--secret',
      secret,
      '--body',
      path,
      '--id',
      'msg_b',
      '--timestamp',
      '1795000000',
      '--curl',
      'http://127.0.0.1:9/hook',
    ]);
    expect(r.code).toBe(0);
    const expected = sign({ id: 'msg_b', timestamp: 1795000000, body: '{"a": 1}\n', secret })['webhook-signature'];
    expect(r.stdout).toContain(`-H 'webhook-signature: ${expected}'`);
    expect(r.stdout).toContain(`--data-binary @'${path}'`);
    expect(r.stdout).toMatch(/^curl -sS -X POST 'http:\/\/127.0.0.1:9\/hook'/);
  });
});

describe('usage errors exit 2 with the usage', () => {
  it.each([
    [['nope'], /unknown command "nope"/],
    [[], /Usage: managed-agents-webhooks <command>/],
    [['sign', '--type', 'session.created'], /--secret is required/],
    [
      ['sign', '--secret', 'whsec_x', '--type', 'session.created'],
      /error: The secret is not 'whsec_' followed by valid base64/,
    ],
    [['sign', '--secret', 'SECRET'], /exactly one of --type T or --body FILE/],
    [['sign', '--secret', 'SECRET', '--type', 'session.teleported'], /unknown event type/],
    [['sign', '--secret', 'SECRET', '--type', 'session.created', '--timestamp', 'yesterday'], /Unix seconds/],
    [['sign', '--secret', 'SECRET', '--body', '/nonexistent/file'], /cannot read/],
    [['sign', '--bogus'], /Unknown option '--bogus'/],
    [['send', '--secret', 'SECRET', '--all'], /handler URL/],
    [['send', 'http://127.0.0.1:9', '--secret', 'SECRET'], /exactly one of --type T, --all or --body/],
    [['verify', '--secret', 'SECRET', '--body', '-'], /pass the headers/],
    [['verify', '--secret', 'SECRET', '-H', 'webhook-id: x'], /--body FILE is required/],
  ])('%j', async (args, message) => {
    const r = await run((args as string[]).map((a) => (a === 'SECRET' ? secret : a)));
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toMatch(message);
  });

  it.each([['secret'], ['sign'], ['send'], ['verify'], ['demo']])('%s --help exits 0', async (command) => {
    const r = await run([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: managed-agents-webhooks ${command}`);
  });
});

describe('send --attacks is a conformance check', () => {
  const good = createWebhookServer({ secret });
  // Skips verification: parses JSON and answers 200 to anything.
  const broken = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  let goodUrl = '';
  let brokenUrl = '';
  beforeAll(async () => {
    goodUrl = await listen(good);
    brokenUrl = await listen(broken);
  });
  afterAll(() => {
    good.closeAllConnections();
    broken.closeAllConnections();
    good.close();
    broken.close();
  });

  it('passes a correct handler', async () => {
    const r = await run(['send', goodUrl, '--secret', secret, '--type', 'session.status_idled', '--attacks']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 delivered, 5 rejected as expected, 1 duplicates ignored, all as expected');
    for (const kind of [
      'tampered body',
      'wrong secret',
      'stale timestamp',
      'future timestamp',
      'missing signature',
      'duplicate re-delivery',
    ]) {
      expect(r.stdout).toContain(kind);
    }
  });

  it('fails a handler that skips verification', async () => {
    const r = await run(['send', brokenUrl, '--secret', secret, '--type', 'agent.created', '--attacks']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('5 NOT as expected');
    expect(r.stderr).toMatch(/accepted a delivery with a tampered body/);
  });

  it('fails when the handler verifies with another secret', async () => {
    const r = await run(['send', goodUrl, '--secret', generateSecret(), '--type', 'vault.created']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/answered 400 invalid_signature: refused a valid delivery/);
  });

  it('reports an unreachable handler', async () => {
    const r = await run(['send', 'http://127.0.0.1:9/webhooks', '--secret', secret, '--type', 'vault.created']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is the handler running/);
  });
});

describe('verify explains failures', () => {
  const now = 1_795_000_000;
  const body = JSON.stringify(createSampleEvent('session.status_idled'));
  const headers = sign({ id: 'msg_cap', timestamp: now, body, secret });
  const headersFile = file(
    'headers.txt',
    Object.entries(headers)
      .map(([n, v]) => `${n}: ${v}`)
      .join('\n') + '\ncontent-type: application/json\n',
  );
  const expectedMac = headers['webhook-signature'].slice(3);

  const verifyRun = async (args: string[]): Promise<Run> => {
    const r = await run(['verify', '--secret', secret, '--headers', headersFile, ...args]);
    // Whatever happens, neither the secret nor the expected signature is printed.
    expect(r.stdout + r.stderr).not.toContain(secret.slice(6));
    return r;
  };

  it('accepts a captured good delivery', async () => {
    const r = await verifyRun(['--body', file('good.json', body), '--now', String(now + 10)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^valid: webhook-id msg_cap/);
  });

  it('takes headers as JSON and as -H flags', async () => {
    const json = file('headers.json', JSON.stringify(headers));
    const fromJson = await run([
      'verify',
      '--secret',
      secret,
      '--headers',
      json,
      '--body',
      file('good2.json', body),
      '--now',
      String(now),
    ]);
    expect(fromJson.code).toBe(0);
    const flags = Object.entries(headers).flatMap(([n, v]) => ['-H', `${n}: ${v}`]);
    const fromFlags = await run([
      'verify',
      '--secret',
      secret,
      ...flags,
      '--body',
      file('good3.json', body),
      '--now',
      String(now),
    ]);
    expect(fromFlags.code).toBe(0);
  });

  it('spots a re-serialized body', async () => {
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    const r = await verifyRun(['--body', file('pretty.json', pretty), '--now', String(now)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused: invalid_signature (HTTP 400)');
    expect(r.stdout).toContain('matches the body as compact JSON');
    expect(r.stdout).toContain('signatures: 1 entry, 1 well-formed v1 tried');
    expect(r.stdout).not.toContain(expectedMac);
  });

  it('shows the skew of a stale delivery', async () => {
    const r = await verifyRun(['--body', file('stale.json', body), '--now', String(now + 3600)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused: timestamp_too_old');
    expect(r.stdout).toContain('signed 3600 s ago (tolerance 300 s)');
    expect(r.stdout).toMatch(/NTP/);
  });

  it('points at the secret when nothing else explains a mismatch', async () => {
    const other = generateSecret();
    const r = await run([
      'verify',
      '--secret',
      other,
      '--headers',
      headersFile,
      '--body',
      file('wrong.json', body),
      '--now',
      String(now),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused: invalid_signature');
    expect(r.stdout).toContain('secret: decodes, 32-byte key');
    expect(r.stdout).toMatch(/the secret is not this endpoint's/);
    expect(r.stdout + r.stderr).not.toContain(other.slice(6));
    expect(r.stdout).not.toContain(expectedMac);
  });

  it('reports missing headers', async () => {
    const r = await run(['verify', '--secret', secret, '-H', 'webhook-id: msg_1', '--body', file('m.json', body)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused: missing_header');
    expect(r.stdout).toContain('webhook-timestamp absent');
  });
});

describe('demo', () => {
  // One run for both checks: the demo takes a few seconds.
  it('runs every event type and every attack, then the rehearsal: the sweep recovers what the sender lost', async () => {
    const r = await run(['demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('52 delivered, 260 rejected as expected, 52 duplicates ignored, all as expected');
    const rehearsal = r.stdout.slice(r.stdout.indexOf('\nrehearsal'));
    // The tests' machine has redis-server on the PATH (the queue tests start it), so the demo uses one.
    expect(rehearsal).toMatch(
      /^\nrehearsal — real Redis \(a throwaway redis-server on 127\.0\.0\.1:\d+\): .*redisStateStore/,
    );
    const sender =
      /sender: (\d+) emitted, (\d+) delivered, (\d+) dropped by chaos, (\d+) gave up after 3 attempts/.exec(rehearsal);
    expect(sender).not.toBeNull();
    const [emitted, delivered, dropped, gaveUp] = (sender ?? []).slice(1).map(Number);
    // The rehearsal is only worth its time if events were really lost, both ways.
    expect(delivered).toBeLessThan(emitted ?? 0);
    expect(dropped).toBeGreaterThan(0);
    expect(gaveUp).toBeGreaterThan(0);
    const finals = /handled final states: (\d+)\/(\d+) \(recovered by the sweep: (\d+)/.exec(rehearsal);
    expect(finals).not.toBeNull();
    const [done, total, recovered] = (finals ?? []).slice(1).map(Number);
    expect(total).toBe(30);
    expect(done).toBe(total);
    expect(recovered).toBeGreaterThan(0);
    expect(rehearsal).toContain('(session, version) handled twice: 0');
    expect(rehearsal).toContain('rehearsal: every final state handled, none twice');
  });

  it('rehearses on the memory store, and says so, when there is no redis-server and no REDIS_URL', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'maw-no-redis-'));
    try {
      const r = await run(['demo'], { PATH: empty });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('\nrehearsal — in-memory (no Redis): level-triggered handlers on memoryStateStore');
      expect(r.stdout).toMatch(/handled final states: 30\/30 \(recovered by the sweep: [1-9]\d*/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
