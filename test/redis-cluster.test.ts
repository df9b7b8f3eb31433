// The Redis Cluster the README names, for real: 3 masters with a replica each on loopback ports
// (test/support/redis-cluster.ts). The idempotency guard runs a handler exactly once per id with
// node-redis createCluster and ioredis Cluster; the queue's enqueue → worker → dead letter → retry
// path runs on an ioredis Cluster with a hash-tagged prefix, and is refused without one. Last, a
// master is SIGKILLed mid-run and its replica takes over: what the guard and the queue did then is
// printed and checked.
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdempotencyGuard, redisStore } from '../src/idempotency/index.js';
import { createSampleEvent, isWebhookVerificationError, type WebhookEvent } from '../src/index.js';
import { createEventQueue, createEventWorker, type EventQueue, type EventWorker } from '../src/queue/index.js';
import { until } from './support/redis-process.js';
import { redisCli, redisToolsAvailable, startRedisCluster, type RedisCluster } from './support/redis-cluster.js';

const available = redisToolsAvailable();
if (!available) console.warn('skipping the Redis Cluster tests: redis-server or redis-cli is not on PATH');

let cluster: RedisCluster;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  if (available) cluster = await startRedisCluster({ masters: 3, replicas: 1 });
});
afterAll(async () => {
  // Each close bounded, so one that hangs never keeps the Redis processes alive.
  const bounded = (close: () => Promise<unknown>): Promise<unknown> =>
    Promise.race([close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 3_000))]);
  for (const close of closers.reverse()) await bounded(close);
  await cluster?.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const sample = (id: string): WebhookEvent => createSampleEvent('session.status_idled', { id }) as WebhookEvent;

function ioredisCluster(): Cluster {
  // BullMQ's blocking commands need maxRetriesPerRequest: null on the node connections.
  const client = new Cluster(cluster.rootNodes, { redisOptions: { maxRetriesPerRequest: null } });
  client.on('error', () => {}); // a killed master's refusals, in the failover test
  closers.push(async () => client.disconnect());
  return client;
}

async function nodeRedisCluster(): Promise<Parameters<typeof redisStore>[0]> {
  const client = createCluster({
    rootNodes: cluster.rootNodes.map(({ port }) => ({ url: `redis://127.0.0.1:${port}` })),
  });
  client.on('error', () => {});
  await client.connect();
  closers.push(() => client.close());
  return client;
}

const keySlot = async (key: string): Promise<number> =>
  Number((await redisCli(['-p', String(cluster.rootNodes[0]?.port), 'cluster', 'keyslot', key])).trim());

describe.skipIf(!available)('the idempotency guard on a Redis Cluster', () => {
  it.each([
    ['redis createCluster', async () => nodeRedisCluster()],
    ['ioredis Cluster', async () => ioredisCluster()],
  ])('%s: 4 receivers × 8 ids × 50 concurrent deliveries run each id once, on every master', async (label, connect) => {
    const prefix = `cluster:${label.split(' ')[0]}:`;
    const ids = Array.from({ length: 8 }, (_, i) => `evt_cluster_${i}`);
    // The ids' keys land on more than one master, so the test crosses nodes.
    const masters = await cluster.masters();
    const owners = new Set<number>();
    for (const id of ids) {
      const slot = await keySlot(prefix + id);
      owners.add(masters.find((m) => m.slots.some(([from, to]) => slot >= from && slot <= to))?.port ?? 0);
    }
    expect(owners.size).toBeGreaterThan(1);

    const guards = await Promise.all(
      [0, 1, 2, 3].map(async () =>
        createIdempotencyGuard({ store: redisStore(await connect(), { prefix, timeoutMs: 10_000 }) }),
      ),
    );
    const runs = new Map<string, number>();
    const handler = (id: string) => async (): Promise<string> => {
      runs.set(id, (runs.get(id) ?? 0) + 1);
      await sleep(200);
      return id;
    };
    const results = await Promise.all(
      guards.flatMap((guard) => ids.flatMap((id) => Array.from({ length: 50 }, () => guard.run(id, handler(id))))),
    );
    expect([...runs.values()]).toEqual(ids.map(() => 1));
    expect(results.filter((r) => r.status === 'processed')).toHaveLength(ids.length);
    // The rest are duplicates: in flight, or done when the machine was slow enough to finish first.
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(4 * 8 * 50 - ids.length);
    for (const id of ids) {
      expect(await guards[3]?.run(id, handler(id))).toEqual({ status: 'duplicate', inFlight: false });
    }
    expect([...runs.values()].reduce((a, b) => a + b, 0)).toBe(ids.length);
  });
});

describe.skipIf(!available)('the queue on a Redis Cluster (ioredis Cluster)', () => {
  it('refuses a Cluster connection without a hash-tagged prefix, and a node-redis cluster, with invalid_options', async () => {
    const client = ioredisCluster();
    const nodeClient = createCluster({ rootNodes: [{ url: `redis://127.0.0.1:${cluster.rootNodes[0]?.port}` }] });
    const attempts: Array<[string, () => unknown]> = [
      ['queue, default prefix', () => createEventQueue({ connection: client })],
      ['queue, untagged prefix', () => createEventQueue({ connection: client, prefix: 'maw' })],
      ['queue, empty tag', () => createEventQueue({ connection: client, prefix: 'maw{}' })],
      ['worker, default prefix', () => createEventWorker({ connection: client, handlers: {} })],
      ['worker, untagged prefix', () => createEventWorker({ connection: client, prefix: 'x', handlers: {} })],
      ['queue, node-redis cluster', () => createEventQueue({ connection: nodeClient as never, prefix: '{maw}' })],
      ['worker, node-redis cluster', () => createEventWorker({ connection: nodeClient as never, handlers: {} })],
    ];
    for (const [what, make] of attempts) {
      let caught: unknown;
      try {
        const made = make() as EventQueue | EventWorker | undefined;
        if (made !== undefined) closers.push(() => made.close());
      } catch (error) {
        caught = error;
      }
      expect({ what, code: isWebhookVerificationError(caught) ? caught.code : String(caught) }).toEqual({
        what,
        code: 'invalid_options',
      });
      expect((caught as Error).message).toMatch(
        what.includes('node-redis') ? /through ioredis only/ : /hash tag, e\.g\. prefix: '\{maw\}'/,
      );
    }
    // A tag in the name serves as well: every key of that queue then shares one slot.
    const tagged = createEventQueue({ connection: client, name: '{webhooks}' });
    closers.push(() => tagged.close());
  });

  it('enqueue → worker → dead letter → retryFailed, with prefix {maw}', async () => {
    const prefix = '{maw}';
    const name = 'cluster-path';
    const queue = createEventQueue({
      connection: ioredisCluster(),
      prefix,
      name,
      attempts: 2,
      backoff: { type: 'fixed', delay: 20 },
    });
    closers.push(() => queue.close());
    let healthy = false;
    const handled = new Map<string, number>();
    const worker = createEventWorker({
      connection: ioredisCluster(),
      prefix,
      name,
      concurrency: 5,
      handlers: {
        default: (event) => {
          handled.set(event.id, (handled.get(event.id) ?? 0) + 1);
          if (event.id === 'evt_path_dead' && !healthy) throw new Error('downstream is down');
        },
      },
    });
    closers.push(() => worker.close());

    const ids = [...Array.from({ length: 30 }, (_, i) => `evt_path_${i}`), 'evt_path_dead'];
    const first = await Promise.all(ids.map((id) => queue.enqueue(sample(id))));
    expect(first.every((r) => r.status === 'enqueued')).toBe(true);
    expect(await queue.enqueue(sample('evt_path_3'))).toEqual({ status: 'duplicate' });
    await until(async () => (await queue.queue.getFailedCount()) === 1, 15_000, 'the dead letter');
    await until(async () => (await queue.queue.getCompletedCount()) === 30, 15_000, '30 completed jobs');
    const letters = await queue.failed();
    expect(letters.map((l) => [l.event.id, l.error, l.attempts])).toEqual([['evt_path_dead', 'downstream is down', 2]]);

    healthy = true;
    expect(await queue.retryFailed()).toBe(1);
    await until(async () => (await queue.queue.getCompletedCount()) === 31, 15_000, 'the retried job');
    expect(await queue.failed()).toEqual([]);
    expect(handled.get('evt_path_dead')).toBe(3);
    expect([...handled.values()].reduce((a, b) => a + b, 0)).toBe(30 + 3);
    // Every key of the queue is in the slot of its tag.
    const slot = await keySlot(prefix);
    const owner = await cluster.masterOf(slot);
    const keys = await redisCli(['-c', '-p', String(owner.port), '--scan', '--pattern', `${prefix}:${name}:*`]);
    expect(keys.trim().split('\n').length).toBeGreaterThan(30);
  });
});

describe.skipIf(!available)('a master killed mid-run: its replica takes over', () => {
  it('the guard and the queue keep working after the failover; what they lost is reported', async () => {
    const prefix = '{maw-failover}';
    const name = 'failover';
    const guardPrefix = 'failover:';
    const queue = createEventQueue({
      connection: ioredisCluster(),
      prefix,
      name,
      timeoutMs: 1_000,
      backoff: { type: 'fixed', delay: 50 },
    });
    queue.queue.on('error', () => {});
    closers.push(() => queue.close());
    const processed = new Map<string, number>();
    const worker = createEventWorker({
      connection: ioredisCluster(),
      prefix,
      name,
      concurrency: 10,
      handlers: { default: (event) => void processed.set(event.id, (processed.get(event.id) ?? 0) + 1) },
    });
    worker.worker.on('error', () => {});
    closers.push(() => worker.close());
    const guard = createIdempotencyGuard({
      store: redisStore(ioredisCluster(), { prefix: guardPrefix, timeoutMs: 1_000 }),
    });
    const guardRuns = new Map<string, number>();

    // A sender: delivers each event to the queue and through the guard, retrying a refused
    // delivery (a 5xx) until it is accepted, as the at-least-once sender does.
    const acknowledged = { queue: new Set<string>(), guard: new Set<string>() };
    const refused = { queue: 0, guard: 0 };
    let stop = false;
    async function deliver(id: string): Promise<void> {
      for (let attempt = 0; attempt < 40 && !(acknowledged.queue.has(id) && acknowledged.guard.has(id)); attempt++) {
        if (!acknowledged.queue.has(id)) {
          await queue.enqueue(sample(id)).then(
            () => acknowledged.queue.add(id),
            () => void refused.queue++,
          );
        }
        if (!acknowledged.guard.has(id)) {
          await guard
            .run(id, () => void guardRuns.set(id, (guardRuns.get(id) ?? 0) + 1))
            .then(
              () => acknowledged.guard.add(id),
              () => void refused.guard++,
            );
        }
        if (!(acknowledged.queue.has(id) && acknowledged.guard.has(id))) await sleep(250);
      }
    }
    let next = 0;
    const senders = [0, 1, 2, 3].map(async () => {
      while (!stop && next < 2_000) {
        await deliver(`evt_fo_${next++}`);
        await sleep(5);
      }
    });

    await until(() => acknowledged.queue.size >= 100, 15_000, '100 events before the kill');
    const victim = await cluster.masterOf(await keySlot(prefix));
    expect(victim.replicas).toHaveLength(1);
    const killedAt = Date.now();
    const countsAtKill = { queue: acknowledged.queue.size, guard: acknowledged.guard.size };
    await cluster.nodes.find((node) => node.port === victim.port)?.kill();
    await cluster.healthy(20_000);
    const failoverMs = Date.now() - killedAt;
    const promoted = await cluster.masterOf(await keySlot(prefix));
    expect(promoted.port).toBe(victim.replicas[0]);
    const refusedDuringFailover = { ...refused };
    const firstAfterFailover = next;
    const sizeAfterFailover = acknowledged.queue.size;
    await until(() => acknowledged.queue.size >= sizeAfterFailover + 100, 20_000, '100 events after the failover');
    stop = true;
    await Promise.all(senders);
    const sent = next;

    // Every acknowledged event the queue still has is processed; what it lost, it lost at the kill.
    for (let waited = 0; waited < 10_000 && ![...acknowledged.queue].every((id) => processed.has(id)); waited += 100) {
      await sleep(100);
    }
    const lostByQueue = [...acknowledged.queue].filter((id) => !processed.has(id));
    // Re-deliver everything through the guard: an id whose done mark was lost runs again.
    const before = [...guardRuns.values()].reduce((a, b) => a + b, 0);
    for (const id of acknowledged.guard) {
      await guard.run(id, () => void guardRuns.set(id, (guardRuns.get(id) ?? 0) + 1));
    }
    const rerunByGuard = [...guardRuns.values()].reduce((a, b) => a + b, 0) - before;
    const ranTwiceInQueue = [...processed.values()].filter((n) => n > 1).length;
    console.info(
      `[cluster failover] master ${victim.port} SIGKILLed after ${countsAtKill.queue} events; replica ${promoted.port} ` +
        `took over, cluster ok again after ${failoverMs} ms. Deliveries refused meanwhile (5xx, retried): queue ` +
        `${refusedDuringFailover.queue}, guard ${refusedDuringFailover.guard}. ${sent} events, ${acknowledged.queue.size} ` +
        `acknowledged by the queue: ${lostByQueue.length} never processed, ${ranTwiceInQueue} processed twice; ` +
        `guard: ${acknowledged.guard.size} acknowledged, ${rerunByGuard} ran again on re-delivery after the failover.`,
    );

    // What must hold whatever replication lost: the topology recovers, both keep serving, and
    // every event acknowledged after the failover is processed exactly once.
    expect(failoverMs).toBeLessThan(20_000);
    const afterFailover = [...acknowledged.queue].filter(
      (id) => Number(id.slice('evt_fo_'.length)) >= firstAfterFailover,
    );
    expect(afterFailover.length).toBeGreaterThan(50);
    for (const id of afterFailover) expect({ id, runs: processed.get(id) }).toEqual({ id, runs: 1 });
    for (const id of afterFailover) expect({ id, runs: guardRuns.get(id) }).toEqual({ id, runs: 1 });
    // Loss is bounded by what was in flight at the kill, not the whole history.
    expect(lostByQueue.length).toBeLessThan(countsAtKill.queue);
  });
});
