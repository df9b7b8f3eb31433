// `managed-agents-webhooks queue failed|retry` through the built CLI (dist/cli.js), as a child
// process, against a real redis-server on a free loopback port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSampleEvent, type WebhookEvent } from '../src/index.js';
import { createEventQueue, createEventWorker, type EventQueue, type EventWorker } from '../src/queue/index.js';
import { run } from './support/cli.js';
import { freePort, until } from './support/redis-process.js';
import { startRedis, type RedisServer } from './support/redis-server.js';

let redis: RedisServer;
let queue: EventQueue;
let worker: EventWorker;
let url: string;
const name = 'cli-dead-letters';
let healthy = false;
const handled: string[] = [];
const events = ['evt_cli_a', 'evt_cli_b', 'evt_cli_c'].map(
  (id, i) =>
    createSampleEvent(i === 2 ? 'vault_credential.refresh_failed' : 'session.status_idled', { id }) as WebhookEvent,
);

beforeAll(async () => {
  redis = await startRedis();
  // A password in the URL, to check that no output repeats it.
  url = `redis://:${'s3cret-pw'}@127.0.0.1:${redis.port}`;
  const connection = { host: '127.0.0.1', port: redis.port };
  queue = createEventQueue({ connection, name, attempts: 2, backoff: { type: 'fixed', delay: 10 } });
  worker = createEventWorker({
    connection,
    name,
    handlers: {
      default: (event) => {
        if (!healthy) throw new Error(`downstream 503\nfor ${event.id}`);
        handled.push(event.id);
      },
    },
  });
  for (const event of events) await queue.enqueue(event);
  await until(async () => (await queue.queue.getFailedCount()) === 3, 15_000, 'three dead letters');
});
afterAll(async () => {
  await worker?.close();
  await queue?.close();
  await redis?.stop();
});

describe('queue failed', () => {
  it('lists the dead letters with their type, attempts and last error on one line', async () => {
    const r = await run(['queue', 'failed', '--redis', url.replace(':s3cret-pw@', ''), '--name', name]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^event id\s+type\s+attempts\s+failed at\s+last error$/);
    for (const event of events) {
      const row = lines.find((line) => line.startsWith(event.id));
      expect(row).toMatch(
        new RegExp(
          `${event.data.type.replace('.', '\\.')}\\s+2\\s+\\d{4}-\\d\\d-\\d\\dT.*downstream 503 for ${event.id}$`,
        ),
      );
    }
    expect(r.stdout).toContain('3 dead letters');
  });

  it('--json prints the dead letters as JSON; REDIS_URL stands in for --redis', async () => {
    const r = await run(['queue', 'failed', '--json', '--name', name], {
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
    });
    expect(r.code).toBe(0);
    const letters = JSON.parse(r.stdout) as Array<{
      event: WebhookEvent;
      attempts: number;
      error: string;
      failedAt: string;
    }>;
    expect(letters.map((l) => l.event.id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(letters[0]?.attempts).toBe(2);
    expect(Number.isNaN(Date.parse(letters[0]?.failedAt ?? ''))).toBe(false);
  });

  it('an empty queue says so', async () => {
    const r = await run(['queue', 'failed', '--redis', `redis://127.0.0.1:${redis.port}`, '--name', 'cli-empty']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('no dead letters');
  });
});

describe('queue retry', () => {
  it('by id: puts that one back, and exits 1 naming how many ids were not dead letters', async () => {
    healthy = true;
    const r = await run([
      'queue',
      'retry',
      'evt_cli_a',
      'evt_cli_nope',
      '--redis',
      `redis://127.0.0.1:${redis.port}`,
      '--name',
      name,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 dead letter put back in the queue');
    expect(r.stderr).toContain('1 of the IDs given were not dead letters');
    await until(() => handled.includes('evt_cli_a'), 10_000, 'evt_cli_a to be handled');
  });

  it('--all puts back the rest', async () => {
    const r = await run(['queue', 'retry', '--all', '--redis', `redis://127.0.0.1:${redis.port}`, '--name', name]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 dead letters put back in the queue');
    await until(() => handled.length === 3, 10_000, 'every event to be handled');
    expect([...handled].sort()).toEqual(['evt_cli_a', 'evt_cli_b', 'evt_cli_c']);
    expect(
      (await run(['queue', 'failed', '--redis', `redis://127.0.0.1:${redis.port}`, '--name', name])).stdout.trim(),
    ).toBe('no dead letters');
  });
});

describe('errors', () => {
  it('usage mistakes exit 2 with the usage', async () => {
    const redisFlag = ['--redis', `redis://127.0.0.1:${redis.port}`];
    for (const args of [
      ['queue'],
      ['queue', 'list', ...redisFlag],
      ['queue', 'retry', ...redisFlag],
      ['queue', 'retry', '--all', 'evt_x', ...redisFlag],
      ['queue', 'failed', 'evt_x', ...redisFlag],
      ['queue', 'failed'],
      ['queue', 'failed', '--redis', 'http://127.0.0.1:1'],
      ['queue', 'failed', '--bogus', ...redisFlag],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('Usage: managed-agents-webhooks queue');
    }
    const help = await run(['queue', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('queue retry --all');
  });

  it('an unreachable Redis exits 1 without printing the password', async () => {
    const port = await freePort();
    const started = Date.now();
    const r = await run(['queue', 'failed', '--redis', `redis://:s3cret-pw@127.0.0.1:${port}`, '--timeout', '2000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot read the queue at 127.0.0.1:${port}`);
    expect(r.stdout + r.stderr).not.toContain('s3cret-pw');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
