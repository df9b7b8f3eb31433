// Issue 18 point 4: ids holding lone UTF-16 surrogates have no UTF-8 form, so every Redis client
// sends them as U+FFFD: distinct ids became one key. Before, four such signed events passed unwrap,
// the queue answered enqueued ×3 then duplicate (and left jobs stuck active), and redisStore ran
// the first and answered the other three "duplicate" — three events never ran. Now unwrap refuses
// them (invalid_event, 400: the sender's fault), and the guard, redisStore and enqueue refuse them
// (invalid_options, 500: the caller passed what unwrap never returns).
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWellFormed } from '../src/core/well-formed.js';
import { createIdempotencyGuard, redisStore, type IdempotencyStore } from '../src/idempotency/index.js';
import { createSampleEvent, isWebhookVerificationError, sign, unwrap, generateSecret } from '../src/index.js';
import { createEventQueue, type EventQueue } from '../src/queue/index.js';
import { expectCode } from './support/errors.js';
import { redisServerVersion, startRedis, type RedisServer } from './support/redis-server.js';

const LONE = ['evt_\ud800', 'evt_\udbff', 'evt_\udc00', 'evt_\udfff'];
const PAIRED = ['evt_\u{1f600}', 'evt_\u{1f601}', 'evt_é', 'evt_\ud83d\ude02'];
const secret = generateSecret();
const now = Date.UTC(2026, 10, 22, 12);

/** A signed delivery whose event id is `id`, written as JSON escapes (as a sender would). */
function signed(id: string): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(createSampleEvent('session.status_idled', { id }));
  const headers = sign({ id: 'msg_1', timestamp: new Date(now), body, secret });
  return { body, headers };
}

const outcome = async (work: () => Promise<unknown>): Promise<string> =>
  work().then(
    (value) => (typeof value === 'object' && value !== null && 'status' in value ? String(value.status) : 'ok'),
    (error: unknown) => (isWebhookVerificationError(error) ? error.code : String(error)),
  );

describe('unwrap', () => {
  it('refuses a signed event whose id or data.id holds a lone surrogate, with invalid_event', () => {
    for (const id of LONE) {
      const { body, headers } = signed(id);
      expect(body).toContain('\\ud'); // JSON.stringify escapes a lone surrogate, as any sender must
      const error = expectCode(() => unwrap(body, headers, { secret, now }), 'invalid_event');
      expect(error.message).toContain('lone UTF-16 surrogate');
      expect(error.status).toBe(400);
    }
    const event = createSampleEvent('session.status_idled');
    const body = JSON.stringify({ ...event, data: { ...event.data, id: 'sesn_\udc00' } });
    expectCode(
      () => unwrap(body, sign({ id: 'msg_1', timestamp: new Date(now), body, secret }), { secret, now }),
      'invalid_event',
    );
  });

  it('keeps well-formed ids, paired surrogates included', () => {
    for (const id of PAIRED) {
      const { body, headers } = signed(id);
      expect(unwrap(body, headers, { secret, now }).id).toBe(id);
    }
  });

  it('the fallback scan agrees with String.prototype.isWellFormed', () => {
    const native = Object.getOwnPropertyDescriptor(String.prototype, 'isWellFormed');
    expect(native, 'Node 20+ has isWellFormed').toBeDefined();
    const units = fc.array(fc.oneof(fc.integer({ min: 0xd7fe, max: 0xe001 }), fc.integer({ min: 0x20, max: 0x7e })), {
      maxLength: 12,
    });
    const samples = fc.sample(
      units.map((codes) => String.fromCharCode(...codes)),
      2_000,
    );
    const expected = samples.map((text) => (native?.value as (this: string) => boolean).call(text));
    delete (String.prototype as { isWellFormed?: unknown }).isWellFormed;
    try {
      expect(samples.map((text) => isWellFormed(text))).toEqual(expected);
    } finally {
      Object.defineProperty(String.prototype, 'isWellFormed', native as PropertyDescriptor);
    }
    expect(expected).toContain(false);
    expect(expected).toContain(true);
  });
});

const available = redisServerVersion() !== undefined;

describe.skipIf(!available)('against a real redis-server', () => {
  let redis: RedisServer;
  const closers: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await redis?.stop();
  });

  it('the queue (BullMQ) refuses lone-surrogate ids and keeps well-formed ones distinct', async () => {
    const queue: EventQueue = createEventQueue({
      connection: { host: '127.0.0.1', port: redis.port },
      name: `well-formed-${process.pid}`,
      timeoutMs: 3_000,
    });
    closers.push(() => queue.close());
    const lone: string[] = [];
    for (const id of LONE)
      lone.push(await outcome(() => queue.enqueue(createSampleEvent('session.status_idled', { id }))));
    // Before: ['enqueued', 'enqueued', 'enqueued', 'duplicate'], and jobs stuck active.
    expect(lone).toEqual(['invalid_options', 'invalid_options', 'invalid_options', 'invalid_options']);
    const paired: string[] = [];
    for (const id of PAIRED)
      paired.push(await outcome(() => queue.enqueue(createSampleEvent('session.status_idled', { id }))));
    expect(paired).toEqual(['enqueued', 'enqueued', 'enqueued', 'enqueued']);
    expect(await queue.queue.getWaitingCount()).toBe(PAIRED.length);
  });

  const clients: Array<[string, () => Promise<IdempotencyStore>]> = [
    [
      'redis (node-redis)',
      async () => {
        const client = await createClient({ url: redis.url }).connect();
        closers.push(() => client.close());
        return redisStore(client, { prefix: 'wf-node:' });
      },
    ],
    [
      'ioredis',
      async () => {
        const client = new Redis(redis.url);
        closers.push(() => client.quit());
        return redisStore(client, { prefix: 'wf-io:' });
      },
    ],
  ];

  it.each(clients)('redisStore (%s) refuses them, through the guard and used directly', async (_name, make) => {
    const store = await make();
    const guard = createIdempotencyGuard({ store });
    const ran: string[] = [];
    const lone: string[] = [];
    for (const id of LONE) lone.push(await outcome(() => guard.run(id, () => void ran.push(id))));
    // Before: ['processed', 'duplicate', 'duplicate', 'duplicate'] — three events never ran.
    expect(lone).toEqual(['invalid_options', 'invalid_options', 'invalid_options', 'invalid_options']);
    expect(ran).toEqual([]);
    expect(await outcome(() => store.claim('evt_\ud800', 'token', 1_000))).toBe('invalid_options');
    expect(await outcome(() => store.complete('evt_\ud800', 1_000))).toBe('invalid_options');
    const paired: string[] = [];
    for (const id of PAIRED) paired.push(await outcome(() => guard.run(id, () => void ran.push(id))));
    expect(paired).toEqual(['processed', 'processed', 'processed', 'processed']);
    expect(ran).toEqual(PAIRED);
  });
});
