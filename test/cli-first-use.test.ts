// The CLI as a new user meets it: --version, a closed pipe, an honest conformance table, files
// that verify, and errors that point to the right place. Run through the built CLI (dist/cli.js)
// as a child process, the way users and scripts run it.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, isWebhookVerificationError, verify } from '../src/index.js';
import { unwrapNodeRequest } from '../src/adapters/node.js';
import { childEnv, cli, run, type Run } from './support/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const dir = mkdtempSync(join(tmpdir(), 'maw-cli-first-use-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the CLI with its stdout on a pipe that we close — after the first line (`| head -1`), or
 * before it writes anything (`| true`) — and resolves its exit code and stderr.
 */
function runIntoClosedPipe(
  args: string[],
  closeAfterFirstLine: boolean,
): Promise<{ code: number | null; stderr: string; first: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv({}),
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the CLI did not exit within 60 s after its output pipe closed'));
    }, 60_000);
    let stderr = '';
    let first = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    if (closeAfterFirstLine) {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        first += chunk;
        if (first.includes('\n')) child.stdout.destroy();
      });
    } else {
      child.stdout.destroy();
    }
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, first: first.split('\n')[0] ?? '' });
    });
  });
}

/** `verify` on the body.json and headers.txt that `sign --out DIR` wrote. */
function verifyOut(out: string): Promise<Run> {
  return run(['verify', '--secret', secret, '--body', join(out, 'body.json'), '--headers', join(out, 'headers.txt')]);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
}

const secret = generateSecret();

// Verifies correctly, but answers { ok: true } without saying whether it saw the event before.
const silentOnDedupe = createServer(async (req, res) => {
  try {
    await unwrapNodeRequest(req, { secret });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  } catch (err) {
    if (!isWebhookVerificationError(err)) throw err;
    res.writeHead(err.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: err.code }));
  }
});
let silentUrl = '';
beforeAll(async () => {
  silentUrl = await listen(silentOnDedupe);
});
afterAll(() => {
  silentOnDedupe.closeAllConnections();
  silentOnDedupe.close();
});

describe('--version', () => {
  it.each([['--version'], ['-v']])('%s prints the package version', async (flag) => {
    const r = await run([flag]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it('is listed in the usage', async () => {
    expect((await run(['--help'])).stdout).toContain('--version');
  });
});

describe('a closed pipe exits quietly', () => {
  it('demo | head -1', async () => {
    const r = await runIntoClosedPipe(['demo'], true);
    expect(r.first).toMatch(
      /^receiver: node:http \+ unwrapNodeRequest \+ the memory guard \(as in examples\/node-http\) on http:\/\/127\.0\.0\.1:\d+\/webhooks/,
    );
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    // As a shell reports a writer killed by SIGPIPE: the run was cut short, so it did not pass.
    expect(r.code).toBe(141);
  });

  it('send --verbose | true', async () => {
    const r = await runIntoClosedPipe(
      ['send', silentUrl, '--secret', secret, '--type', 'session.created', '--attacks', '--verbose'],
      false,
    );
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    // As a shell reports a writer killed by SIGPIPE: the run was cut short, so it did not pass.
    expect(r.code).toBe(141);
  });
});

describe('send --attacks tells what it could not check', () => {
  it('marks an unreported dedupe "not verified", not ok, and says how to report it', async () => {
    const r = await run(['send', silentUrl, '--secret', secret, '--type', 'session.status_idled', '--attacks']);
    expect(r.code).toBe(0);
    const row = r.stdout.split('\n').find((line) => line.includes('duplicate re-delivery')) ?? '';
    expect(row).toMatch(/200\s+\d+\s+not verified$/);
    expect(r.stdout).toContain('0 duplicates ignored, 1 duplicate not verified');
    expect(r.stdout).not.toContain('all as expected');
    expect(r.stderr).toContain('answer JSON with "duplicate": true');
  });

  it('groups them the same way over every type', async () => {
    const r = await run(['send', silentUrl, '--secret', secret, '--all', '--attacks']);
    expect(r.code).toBe(0);
    const row = r.stdout.split('\n').find((line) => line.includes('duplicate re-delivery')) ?? '';
    expect(row).toMatch(/not verified$/);
    expect(r.stdout).toContain(
      '52 delivered, 260 rejected as expected, 0 duplicates ignored, 52 duplicates not verified',
    );
  });

  it('shows the handler answer on failing rows: status and JSON error code', async () => {
    const other = generateSecret();
    const r = await run(['send', silentUrl, '--secret', other, '--type', 'vault.created', '--verbose']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/vault\.created\s+valid\s+2xx\s+400 invalid_signature\s+\d+\s+NO/);
    expect(r.stderr).toContain('✗ vault.created — valid: answered 400 invalid_signature: refused a valid delivery');
  });

  it('shows the start of a non-JSON answer', async () => {
    const plain = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200).end('OK\u001b[31m'));
    });
    const url = await listen(plain);
    try {
      const r = await run(['send', url, '--secret', secret, '--type', 'vault.created', '--attacks']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('✗ vault.created — tampered body: answered 200 "OK [31m": accepted a delivery');
      expect(r.stderr).not.toContain('\u001b');
    } finally {
      plain.closeAllConnections();
      plain.close();
    }
  });
});

describe('sign --out DIR writes files that verify', () => {
  it.each([
    ['a sample event', ['--type', 'session.thread_created']],
    ['a body with a trailing newline and non-UTF-8 bytes', ['--body', 'BODY']],
  ])('%s', async (_name, bodyArgs) => {
    const bodyFile = join(dir, 'input.bin');
    const raw = new Uint8Array([...new TextEncoder().encode('{"a": 1}\n'), 0xff, 0x0a]);
    writeFileSync(bodyFile, raw);
    const out = join(dir, `out-${bodyArgs[0]}`, 'nested');
    const args = bodyArgs.map((a) => (a === 'BODY' ? bodyFile : a));
    const signed = await run(['sign', '--secret', secret, ...args, '--out', out]);
    expect(signed.code).toBe(0);
    expect(signed.stdout).toContain(`wrote ${join(out, 'body.json')}`);
    expect(signed.stdout).toContain('managed-agents-webhooks verify --secret <the same secret>');
    expect(signed.stdout + signed.stderr).not.toContain(secret.slice(6));

    const body = readFileSync(join(out, 'body.json'));
    if (bodyArgs[0] === '--body') expect(new Uint8Array(body)).toEqual(raw);
    const checked = await verifyOut(out);
    expect(checked.stdout).toMatch(/^valid: webhook-id msg_/);
    expect(checked.code).toBe(0);
    // The same files through the library, as a test of one's own handler would read them.
    const headers = readFileSync(join(out, 'headers.txt'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(': ') as [string, string]);
    expect(verify(new Uint8Array(body), headers, { secret }).body).toEqual(new Uint8Array(body));
  });

  it('refuses a directory it cannot write', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    const r = await run(['sign', '--secret', secret, '--type', 'session.created', '--out', join(blocker, 'sub')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write to .*a-file\/sub: (ENOTDIR|EEXIST)/);
  });
});

describe('timestamps in the wrong unit', () => {
  const nowS = Math.floor(Date.now() / 1000);

  it('verify --now in milliseconds is a usage error that gives the seconds', async () => {
    const r = await run(['verify', '--secret', secret, '--now', String(nowS * 1000), '--body', '-', '-H', 'a: b']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--now takes Unix seconds; ${nowS * 1000} looks like milliseconds — use ${nowS}`);
  });

  it('a delivery stamped in milliseconds is refused with a message that says so', async () => {
    const out = join(dir, 'ms-stamp');
    const signed = await run([
      'sign',
      '--secret',
      secret,
      '--type',
      'session.created',
      '--timestamp',
      String(nowS * 1000),
      '--out',
      out,
    ]);
    expect(signed.code).toBe(0);
    const r = await verifyOut(out);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused: timestamp_too_new (HTTP 400)');
    expect(r.stdout).toContain('The webhook-timestamp is ~1000× the clock: it looks like milliseconds');
  });
});

describe('verify without a secret', () => {
  it("points to the endpoint's secret in the Console, not to a new secret", async () => {
    const r = await run(['verify', '--body', '-', '-H', 'webhook-id: x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--secret is required (or set ANTHROPIC_WEBHOOK_SIGNING_KEY)');
    expect(r.stderr).toContain(
      "use the signing secret of the endpoint that received the delivery: Claude Console → the webhook endpoint's page",
    );
    expect(r.stderr).not.toContain('managed-agents-webhooks secret');
  });

  it('sign without a secret still offers to make one', async () => {
    const r = await run(['sign', '--type', 'session.created']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('make one with: managed-agents-webhooks secret');
  });
});

describe('npm run demo', () => {
  // The real script, run by npm in a scratch copy of the project (the sources and node_modules
  // linked, not copied), so its build writes a scratch dist/ and never the one other tests read.
  // `-- --help` stops the demo at its usage once built: test/cli.test.ts runs the demo itself.
  // Costs one full tsup build (about 20 s of CPU).
  it('says it is building before the build starts, then builds and runs the demo command', async () => {
    const project = mkdtempSync(join(tmpdir(), 'maw-npm-demo-'));
    try {
      for (const file of ['package.json', 'tsconfig.json', 'tsup.config.ts']) {
        copyFileSync(join(root, file), join(project, file));
      }
      for (const folder of ['src', 'node_modules']) symlinkSync(join(root, folder), join(project, folder), 'dir');
      const dist = join(project, 'dist');
      let distWhenAnnounced: boolean | undefined;
      const child = spawn('npm', ['run', 'demo', '--', '--help'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (distWhenAnnounced === undefined && /^demo: building/m.test(stdout)) distWhenAnnounced = existsSync(dist);
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`npm run demo did not finish within 150 s; stderr: ${stderr}`));
        }, 150_000);
        child.on('close', (exit) => {
          clearTimeout(timer);
          resolve(exit);
        });
      });
      expect(code, stderr).toBe(0);
      expect(distWhenAnnounced).toBe(false);
      // The announcement is the script's first output (npm's own banner aside), and it is true.
      const ours = stdout.split('\n').filter((line) => line !== '' && !line.startsWith('> '));
      expect(ours[0]).toMatch(/^demo: building the package and its CLI/);
      expect(existsSync(join(dist, 'cli.js'))).toBe(true);
      expect(ours[1]).toBe('Usage: managed-agents-webhooks demo [--verbose]');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 180_000);
});
