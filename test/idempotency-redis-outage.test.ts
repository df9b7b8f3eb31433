// A Redis outage must answer in bounded time: redis-server (our own child) is SIGKILLed mid-run,
// every delivery during the outage is refused within timeoutMs without running its handler, and
// once Redis is back on the same port the same deliveries are processed.
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { createIdempotencyGuard, redisStore, type IdempotencyStore } from '../src/idempotency/index.js';
import { freePort, startRedisProcess, until, type RedisProcess } from './support/redis-process.js';

const TIMEOUT_MS = 300;
// Scheduling slack on a loaded 2-core machine; the clients' own waits are 5 s (redis) and 12 s+ (ioredis).
const SLACK_MS = 700;

interface Client {
  /** A store with this timeoutMs, or the default when left out. */
  store(timeoutMs?: number): IdempotencyStore;
  close(): Promise<void>;
}

const clients: Array<[string, (url: string) => Promise<Client>]> = [
  [
    'redis (node-redis)',
    async (url) => {
      const client = createClient({ url });
      // A dropped connection is reported as an 'error' event; unhandled, it would end the process.
      client.on('error', () => {});
      await client.connect();
      return {
        store: (timeoutMs) => redisStore(client, timeoutMs === undefined ? {} : { timeoutMs }),
        close: async () => client.destroy(),
      };
    },
  ],
  [
    'ioredis',
    async (url) => {
      const client = new Redis(url);
      client.on('error', () => {});
      await client.ping();
      return {
        store: (timeoutMs) => redisStore(client, timeoutMs === undefined ? {} : { timeoutMs }),
        close: async () => client.disconnect(),
      };
    },
  ],
];

let server: RedisProcess | undefined;
let client: Client | undefined;

afterEach(async () => {
  await client?.close();
  await server?.kill();
  client = undefined;
  server = undefined;
});

describe.each(clients)('redisStore during a Redis outage: %s', (_name, connect) => {
  it('refuses every delivery within timeoutMs, runs none, and processes them once Redis is back', async () => {
    const port = await freePort();
    server = await startRedisProcess(port);
    client = await connect(`redis://127.0.0.1:${port}`);
    const guard = createIdempotencyGuard({ store: client.store(TIMEOUT_MS) });
    const ran: string[] = [];
    const handler = (id: string) => () => void ran.push(id);

    expect(await guard.run('evt_before', handler('evt_before'))).toEqual({ status: 'processed', value: undefined });

    await server.kill(); // SIGKILL to our own child
    const outage = ['evt_a', 'evt_b', 'evt_c', 'evt_d', 'evt_e'];
    for (const id of outage) {
      const started = performance.now();
      const outcome = await guard.run(id, handler(id)).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      const took = performance.now() - started;
      expect(outcome, `${id} must be refused, not acknowledged`).toHaveProperty('error');
      expect(took, `${id} answered after ${Math.round(took)} ms`).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    }
    // The default timeoutMs, 2,000 ms, bounds a delivery the same way.
    const byDefault = createIdempotencyGuard({ store: client.store() });
    const started = performance.now();
    await expect(byDefault.run('evt_default', handler('evt_default'))).rejects.toThrow(/within 2000 ms/);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(1_900);
    expect(took).toBeLessThan(2_000 + SLACK_MS);
    expect(ran).toEqual(['evt_before']);

    server = await startRedisProcess(port);
    // The client reconnects on its own; poll with fresh ids until one goes through.
    let probe = 0;
    await until(
      async () => {
        const id = `evt_probe_${++probe}`;
        return guard
          .run(id, () => id)
          .then(
            (result) => result.status === 'processed',
            () => false,
          );
      },
      10_000,
      'the client to reconnect',
    );
    for (const id of outage) {
      expect(await guard.run(id, handler(id))).toEqual({ status: 'processed', value: undefined });
    }
    expect(ran).toEqual(['evt_before', ...outage]);
  }, 30_000);
});
