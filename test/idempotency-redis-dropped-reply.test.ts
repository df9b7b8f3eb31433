// Issue 18 point 1: a connection cut after Redis ran the claim (SET … NX GET) but before its
// answer arrived must not leave an orphan claim. A loopback proxy between the client and a real
// redis-server swallows that one answer and drops the connection. ioredis re-sends the command on
// reconnect and reads back its own token (it is still our claim, so the handler runs); redis
// (node-redis) rejects the run, and the guard releases the claim, so the sender's retry runs the
// event instead of being answered "in flight" for lockSeconds.
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { createIdempotencyGuard, redisStore, type IdempotencyStore } from '../src/idempotency/index.js';
import { until } from './support/redis-process.js';
import { redisServerVersion, startRedis, type RedisServer } from './support/redis-server.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const available = redisServerVersion() !== undefined;

interface ProxiedClient {
  store: IdempotencyStore;
  close(): Promise<void>;
}

const clients: Array<[string, 'resends' | 'rejects', (port: number) => Promise<ProxiedClient>]> = [
  [
    'ioredis',
    'resends',
    async (port) => {
      const client = new Redis({ host: '127.0.0.1', port, retryStrategy: () => 20 });
      client.on('error', () => {}); // the cut connection, expected here
      await client.ping();
      return { store: redisStore(client), close: async () => client.disconnect() };
    },
  ],
  [
    'redis (node-redis)',
    'rejects',
    async (port) => {
      const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: () => 20 } });
      client.on('error', () => {}); // the cut connection, expected here
      await client.connect();
      return { store: redisStore(client), close: async () => client.destroy() };
    },
  ],
];

let redis: RedisServer | undefined;
let proxy: TcpProxy | undefined;
let client: ProxiedClient | undefined;
let direct: Redis | undefined;

afterEach(async () => {
  await client?.close();
  direct?.disconnect();
  await proxy?.close();
  await redis?.stop();
  client = proxy = direct = redis = undefined;
});

/** The claim command for `id`, as either client writes it in RESP. */
const claimOf =
  (id: string) =>
  (chunk: Buffer): boolean => {
    const text = chunk.toString('latin1');
    return text.includes(id) && /\bNX\b/i.test(text);
  };

describe.skipIf(!available).each(clients)('a claim whose answer is lost: %s', (_name, behaviour, connect) => {
  it('runs the event (now or on the retry), once, and leaves no orphan claim', async () => {
    redis = await startRedis();
    proxy = await startTcpProxy(redis.port);
    client = await connect(proxy.port);
    direct = new Redis(redis.url);
    const guard = createIdempotencyGuard({ store: client.store, lockSeconds: 60 });
    const id = `evt_cut_${behaviour}`;
    const ran: string[] = [];

    const cut = proxy.cutAfterReply(claimOf(id));
    const first = await guard
      .run(id, () => void ran.push(id))
      .then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
    await cut;

    if (behaviour === 'resends') {
      // Before the fix: { status: 'duplicate', inFlight: true } — its own token read as another run's.
      expect(first).toEqual({ result: { status: 'processed', value: undefined } });
      expect(ran).toEqual([id]);
    } else {
      expect(first).toHaveProperty('error');
      expect(ran).toEqual([]);
      // Before the fix the claim stayed for lockSeconds (60 s): every retry answered "in flight".
      await until(async () => (await direct!.get(`maw:idempotency:${id}`)) === null, 5_000, 'the claim released');
      expect(await guard.run(id, () => void ran.push(id))).toEqual({ status: 'processed', value: undefined });
      expect(ran).toEqual([id]);
    }
    expect(proxy.connections(), 'the client reconnected through the proxy').toBe(2);
    expect(await direct.get(`maw:idempotency:${id}`)).toBe('done');
    expect(await guard.run(id, () => void ran.push(id))).toEqual({ status: 'duplicate', inFlight: false });
    expect(ran).toEqual([id]);
  }, 20_000);
});

describe('redisStore reads its own token back as its claim', () => {
  it('answers claimed for the caller’s token, in_flight for another, done for done', async () => {
    let held: string | null = null;
    const fake = {
      call: async () => null,
      set: async (_key: string, value: string) => {
        const previous = held;
        held ??= value;
        return previous;
      },
      eval: async () => 0,
    };
    const store = redisStore(fake as never);
    expect(await store.claim('evt_1', 'token_a', 1000)).toBe('claimed');
    // The same command sent again after a reconnect: Redis already holds token_a.
    expect(await store.claim('evt_1', 'token_a', 1000)).toBe('claimed');
    expect(await store.claim('evt_1', 'token_b', 1000)).toBe('in_flight');
    held = 'done';
    expect(await store.claim('evt_1', 'token_b', 1000)).toBe('done');
  });
});
