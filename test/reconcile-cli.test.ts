// `managed-agents-webhooks reconcile` through the built CLI (dist/cli.js) as a child process,
// against a real redis-server and a loopback sessions API reached through ANTHROPIC_BASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventQueue, type EventQueue } from '../src/queue/index.js';
import { resourceVersion } from '../src/reconcile/index.js';
import { run } from './support/cli.js';
import { startRedis, type RedisServer } from './support/redis-server.js';
import { startSessionsApi, type SessionsApi } from './support/reconcile-api.js';

let redis: RedisServer;
let api: SessionsApi;
let queue: EventQueue;
let env: Record<string, string>;

beforeAll(async () => {
  redis = await startRedis();
  api = await startSessionsApi();
  queue = createEventQueue({ connection: { host: '127.0.0.1', port: redis.port }, name: 'cli-reconcile' });
  env = { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: api.url };
});
afterAll(async () => {
  await queue?.close();
  await api?.close();
  await redis?.stop();
});

describe('reconcile', () => {
  it('--dry-run prints what would be enqueued and enqueues nothing; then a run enqueues it, once', async () => {
    api.put('sesn_before', 'idle', '2026-03-01T00:00:00.000000Z');
    const since = '2026-03-02T00:00:00Z';
    const changed = api.put('sesn_after', 'idle').updated_at;
    const args = ['reconcile', '--since', since, '--redis', redis.url, '--queue', 'cli-reconcile'];

    const dry = await run([...args, '--dry-run'], env);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    const id = `sweep_session_sesn_after_${resourceVersion(changed)}`;
    expect(dry.stdout).toContain(`would enqueue session sesn_after (updated ${changed}) as ${id}`);
    expect(dry.stdout).not.toContain('sesn_before');
    expect(dry.stdout).toMatch(/listed 2, changed 1, would enqueue 1, API requests 2/);
    expect(await queue.queue.getJob(`event-${id}`)).toBeUndefined();

    const real = await run(args, env);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain(`enqueued session sesn_after (updated ${changed}) as ${id}`);
    expect(real.stdout).toMatch(/enqueued 1, API requests 2/);
    expect((await queue.queue.getJob(`event-${id}`))?.data.event.data).toMatchObject({
      id: 'sesn_after',
      reconcile: 'sweep',
    });

    const again = await run(args, env);
    expect(again.stdout).toContain(`already queued session sesn_after`);
    expect(again.stdout).toMatch(/enqueued 0/);
  });

  it('usage errors exit 2 with the usage; an unreachable API exits 1', async () => {
    const noSince = await run(['reconcile', '--redis', redis.url], env);
    expect(noSince.code).toBe(2);
    expect(noSince.stderr).toMatch(/--since TIME is required[\s\S]*Usage: managed-agents-webhooks reconcile/);
    const badSince = await run(['reconcile', '--since', 'yesterday', '--redis', redis.url], env);
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toMatch(/ISO 8601/);
    const noRedis = await run(['reconcile', '--since', '2026-03-02T00:00:00Z'], env);
    expect(noRedis.code).toBe(2);
    const down = await run(['reconcile', '--since', '2026-03-02T00:00:00Z', '--redis', redis.url, '--dry-run'], {
      ANTHROPIC_API_KEY: 'sk-ant-test',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^reconcile failed: /);
  });
});
