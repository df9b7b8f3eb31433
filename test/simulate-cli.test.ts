// `managed-agents-webhooks simulate` through the built CLI as a child process: it prints the two
// environment lines, drives a seeded chaotic scenario against a real verifying receiver, and
// serves the sessions API the real SDK reads.
import { spawn } from 'node:child_process';
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSecret } from '../src/index.js';
import { childEnv, cli, run } from './support/cli.js';
import { startTestReceiver, type TestReceiver } from './support/webhook-receiver.js';

let receiver: TestReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const chaos = ['--drop', '0.25', '--duplicate', '0.1', '--reorder-ms', '200', '--time-scale', '0.001'];

describe('simulate', () => {
  it('prints the env lines, drives the scenario against the receiver and sums up what was lost', async () => {
    const secret = generateSecret();
    receiver = await startTestReceiver(secret);
    const args = ['simulate', '--target', receiver.url, '--secret', secret, '--seed', '5'];
    const result = await run([...args, '--sessions', '20', '--duration-ms', '1000', ...chaos]);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[1]).toBe(`ANTHROPIC_WEBHOOK_SIGNING_KEY=${secret}`);
    expect(result.stdout).toMatch(/^scenario: 20 sessions, 80 status changes in \d+\.\d s \(seed 5\)$/m);
    expect(result.stdout).toMatch(/^final states: (\d+ (idle|terminated)(, )?)+$/m);
    const sender = /^sender: 100 emitted, (\d+) delivered, (\d+) dropped by chaos, 0 gave up/m.exec(result.stdout);
    expect(sender).not.toBeNull();
    const [delivered, dropped] = [Number(sender![1]), Number(sender![2])];
    expect(delivered + dropped).toBe(100);
    expect(dropped).toBeGreaterThan(10);
    expect(result.stdout).toContain(`lost: ${dropped} of 100 events never reached the receiver`);
    // Every delivery verified with the printed secret; every delivered event arrived.
    expect(receiver.received.every((x) => x.refused === undefined)).toBe(true);
    expect(new Set(receiver.received.map((x) => x.event?.id)).size).toBe(delivered);
  });

  it('--json: the same run as one object, the same fates for the same seed', async () => {
    const secret = generateSecret();
    receiver = await startTestReceiver(secret);
    const args = ['simulate', '--target', receiver.url, '--secret', secret, '--seed', 'replay', '--json'];
    const once = await run([...args, '--sessions', '10', '--duration-ms', '300', ...chaos]);
    expect(once.code).toBe(0);
    const summary = JSON.parse(once.stdout.trim().split('\n').at(-1)!) as {
      sessions: number;
      sender: { emitted: number; delivered: number; duplicatesSent: number; droppedByChaos: number };
    };
    expect(summary.sessions).toBe(10);
    expect(summary.sender.emitted).toBe(50);
    expect(receiver.received).toHaveLength(summary.sender.delivered + summary.sender.duplicatesSent);
    const twice = await run([...args, '--sessions', '10', '--duration-ms', '300', ...chaos]);
    const again = JSON.parse(twice.stdout.trim().split('\n').at(-1)!) as typeof summary;
    expect(again.sender).toEqual(summary.sender);
  });

  it('without --target, serves the sessions API the SDK reads until stopped', async () => {
    const child = spawn(process.execPath, [cli, 'simulate', '--sessions', '3', '--duration-ms', '0'], {
      env: childEnv({}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      const deadline = Date.now() + 20_000;
      while (!/final states:/.test(stdout) && Date.now() < deadline && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const baseURL = /^ANTHROPIC_BASE_URL=(\S+)$/m.exec(stdout)?.[1];
      expect(/^ANTHROPIC_WEBHOOK_SIGNING_KEY=whsec_[A-Za-z0-9+/]{43}=$/m.test(stdout)).toBe(true);
      const client = new Anthropic({ baseURL: baseURL!, apiKey: 'test', maxRetries: 0 });
      const sessions = (await client.beta.sessions.list()).data;
      expect(sessions).toHaveLength(3);
      expect(sessions.every((s) => s.status === 'idle' || s.status === 'terminated')).toBe(true);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      if (child.exitCode === null) process.kill(child.pid!, 'SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('refuses bad flags with usage errors (exit 2)', async () => {
    const drop = await run(['simulate', '--drop', '2']);
    expect(drop.code).toBe(2);
    expect(drop.stderr).toMatch(/--drop takes a number from 0 to 1/);
    const outage = await run(['simulate', '--outage', '9-3']);
    expect(outage.code).toBe(2);
    expect(outage.stderr).toMatch(/--outage takes START-END/);
  });
});
