// Issue 22 item 4: one rule per option idea across entries (docs/guide/options.md). Every duration
// option of every entry is a row below with its kind; each kind says what Infinity and 0 mean, and
// every other non-duration (-1, NaN, a Date, a function) is refused with invalid_options naming
// the option, the value and the rule. `now` takes the same Date | ms | function everywhere, and
// the guard's ttlSeconds is the deprecated alias of retentionSeconds.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { unwrapRequest } from '../src/adapters/web.js';
import { durationOption, type DurationKind } from '../src/core/options.js';
import { createIdempotencyGuard, memoryStore, redisStore } from '../src/idempotency/index.js';
import { verify, WebhookVerificationError } from '../src/index.js';
import { createEventQueue, createEventWorker } from '../src/queue/index.js';
import {
  createSweep,
  createSweepWorker,
  levelTriggered,
  memoryStateStore,
  redisStateStore,
  scheduleSweeps,
  type SweepOptions,
} from '../src/reconcile/index.js';
import { createPlatform, createSender } from '../src/simulate/index.js';
import { makeDelivery } from './support/delivery.js';
import { caught, refusal } from './support/errors.js';

const d = makeDelivery();
const connection = { host: '127.0.0.1', port: 1 };
const redisClient = { set: async () => null, eval: async () => 1 };
const sdk = { beta: { sessions: { list: () => ({ data: [] }) } } };
const sweepDeps = (): Pick<SweepOptions, 'client' | 'queue' | 'store'> =>
  ({ client: sdk, queue: { enqueue: async () => ({ status: 'enqueued' }) }, store: memoryStateStore() }) as never;

/** Runs the entry with `value` for the option: resolves when accepted, rejects when refused. */
type Apply = (value: unknown) => Promise<unknown>;

interface Row {
  /** The option as its message names it. */
  name: string;
  kind: DurationKind;
  apply: Apply;
}

const sync =
  (fn: (value: never) => unknown): Apply =>
  async (value) =>
    fn(value as never);

const ROWS: Row[] = [
  {
    name: 'toleranceSeconds',
    kind: 'window',
    apply: sync((v) => verify(d.body, d.headers, { secret: d.secret, now: d.nowMs, toleranceSeconds: v })),
  },
  {
    name: 'readTimeoutMs',
    kind: 'limit',
    apply: (v) =>
      unwrapRequest(new Request('http://127.0.0.1/', { method: 'POST', body: d.body, headers: d.headers }), {
        secret: d.secret,
        now: d.nowMs,
        readTimeoutMs: v as number,
      }),
  },
  {
    name: 'createIdempotencyGuard: retentionSeconds',
    kind: 'bound',
    apply: sync((v) => createIdempotencyGuard({ retentionSeconds: v })),
  },
  {
    name: 'createIdempotencyGuard: ttlSeconds',
    kind: 'bound',
    apply: sync((v) => createIdempotencyGuard({ ttlSeconds: v })),
  },
  {
    name: 'createIdempotencyGuard: lockSeconds',
    kind: 'bound',
    apply: sync((v) => createIdempotencyGuard({ lockSeconds: v })),
  },
  { name: 'redisStore: timeoutMs', kind: 'bound', apply: sync((v) => redisStore(redisClient, { timeoutMs: v })) },
  {
    name: 'createEventQueue: retentionSeconds',
    kind: 'bound',
    apply: sync((v) => createEventQueue({ connection, retentionSeconds: v })),
  },
  {
    name: 'createEventQueue: timeoutMs',
    kind: 'bound',
    apply: sync((v) => createEventQueue({ connection, timeoutMs: v })),
  },
  {
    name: 'createEventWorker: handlerTimeoutMs',
    kind: 'limit',
    apply: async (v) => {
      // Not started and never connected: only the options are under test.
      const worker = createEventWorker({
        connection: { ...connection, lazyConnect: true },
        autorun: false,
        handlers: {},
        handlerTimeoutMs: v as number,
      });
      await worker.close();
    },
  },
  {
    name: 'levelTriggered: leaseMs',
    kind: 'bound',
    apply: sync((v) =>
      levelTriggered({ client: sdk as never, store: memoryStateStore(), session: () => {}, leaseMs: v }),
    ),
  },
  {
    name: 'memoryStateStore: retentionSeconds',
    kind: 'bound',
    apply: sync((v) => memoryStateStore({ retentionSeconds: v })),
  },
  {
    name: 'redisStateStore: retentionSeconds',
    kind: 'bound',
    apply: sync((v) => redisStateStore(redisClient, { retentionSeconds: v })),
  },
  { name: 'scheduleSweeps: everyMs', kind: 'bound', apply: sync((v) => scheduleSweeps({ connection, everyMs: v })) },
  { name: 'createSweep: skewMs', kind: 'offset', apply: sync((v) => createSweep({ ...sweepDeps(), skewMs: v })) },
  // The stand-in (/simulate) reads its durations by the same rule.
  { name: 'createPlatform: agentStepMs', kind: 'offset', apply: sync((v) => createPlatform({ agentStepMs: v })) },
  {
    name: 'createSender: requestTimeoutMs',
    kind: 'bound',
    apply: sync((v) => createSender({ target: 'http://127.0.0.1:9/', requestTimeoutMs: v })),
  },
  {
    name: 'createSender: reorderMs',
    kind: 'offset',
    apply: sync((v) => createSender({ target: 'http://127.0.0.1:9/', reorderMs: v })),
  },
  {
    name: 'createSender: latencyMs',
    kind: 'offset',
    apply: sync((v) => createSender({ target: 'http://127.0.0.1:9/', latencyMs: v })),
  },
  {
    name: 'createSender: minBackoffSeconds',
    kind: 'bound',
    apply: sync((v) => createSender({ target: 'http://127.0.0.1:9/', minBackoffSeconds: v })),
  },
  {
    name: 'createSender: maxBackoffSeconds',
    kind: 'bound',
    apply: sync((v) => createSender({ target: 'http://127.0.0.1:9/', maxBackoffSeconds: v })),
  },
];

/**
 * Durations read by the same `durationOption` but not rows above, and why: each needs a running
 * scenario or sender, or a second value it is checked against, to be called at all.
 */
const NOT_ROWS: Readonly<Record<string, string>> = {
  startMs: 'an outage window: its endMs must come after it (test/simulate-sender.test.ts)',
  endMs: 'an outage window: it must come after startMs (test/simulate-sender.test.ts)',
  durationMs: 'runScenario starts the scenario once accepted (test/simulate-scenario.test.ts)',
  burstGapMs: 'runScenario starts the scenario once accepted',
  timeoutMs: "the sender's drain(timeoutMs) needs a sender with deliveries in flight; the other timeoutMs are rows",
};

/** The option names passed to `durationOption` anywhere in src/: the last word of each name. */
function durationsRead(): Set<string> {
  const src = fileURLToPath(new URL('../src', import.meta.url));
  const names = new Set<string>();
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts') || file === join('core', 'options.ts')) continue;
    const text = readFileSync(join(src, file), 'utf8');
    for (const call of text.matchAll(/durationOption\(\s*[^,]+,\s*[`'][^`']*?(\w+)[`']/g)) names.add(call[1] ?? '');
  }
  return names;
}

// The rule, once: Infinity means "no limit" where the kind is a limit or a window; 0 means "none"
// where the kind is a window or an offset; nothing else that is not a duration in range is taken.
const ACCEPTS: { readonly [K in DurationKind]: { infinity: boolean; zero: boolean } } = {
  limit: { infinity: true, zero: false },
  window: { infinity: true, zero: true },
  bound: { infinity: false, zero: false },
  offset: { infinity: false, zero: true },
};

const VALUES: Array<[label: string, value: unknown, shown: string]> = [
  ['Infinity', Infinity, 'got Infinity'],
  ['0', 0, 'got 0'],
  ['-1', -1, 'got -1'],
  ['NaN', Number.NaN, 'got NaN'],
  ['a Date', new Date(0), 'got a Date'],
  ['a function', () => 1_000, 'got a function'],
];

const CASES = ROWS.flatMap((row) =>
  VALUES.map(([label, value, shown]) => {
    const accepted = label === 'Infinity' ? ACCEPTS[row.kind].infinity : label === '0' ? ACCEPTS[row.kind].zero : false;
    return { ...row, label, value, shown, accepted };
  }),
);

async function outcome(apply: Apply, value: unknown): Promise<WebhookVerificationError | undefined> {
  // Thrown synchronously (constructors) or as a rejection (request adapters): the same answer.
  const error: unknown = await Promise.resolve()
    .then(() => apply(value))
    .then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
  if (error !== undefined) expect(error).toBeInstanceOf(WebhookVerificationError);
  return error as WebhookVerificationError | undefined;
}

describe('every duration option × Infinity, 0, -1, NaN, a Date, a function', () => {
  it('covers every duration option the entries read (a new one needs a row here)', () => {
    const rows = new Set(ROWS.map((row) => row.name.split(/[:.]\s*/).at(-1)));
    const read = [...durationsRead()];
    expect(read.length).toBeGreaterThan(15);
    expect(read.filter((name) => !rows.has(name) && NOT_ROWS[name] === undefined)).toEqual([]);
  });

  it.each(CASES)('$name ($kind) given $label', async ({ name, kind, apply, value, shown, accepted }) => {
    const error = await outcome(apply, value);
    if (accepted) {
      expect(error).toBeUndefined();
      return;
    }
    expect(error?.code).toBe('invalid_options');
    const { infinity, zero } = ACCEPTS[kind];
    // The option, the rule (what 0 and Infinity mean for its kind) and the value given.
    expect(error?.message).toContain(`${name} must be a${infinity ? '' : ' finite'} number of`);
    expect(error?.message).toContain(zero ? '>= 0 and at most' : '> 0 and at most');
    expect(error?.message.includes(', or Infinity, which ')).toBe(infinity);
    expect(error?.message).toContain(shown);
  });
});

describe('durationOption: the kind decides, not the caller', () => {
  it.each<[DurationKind, unknown, boolean]>([
    ['limit', Infinity, true],
    ['limit', 0, false],
    ['window', Infinity, true],
    ['window', 0, true],
    ['bound', Infinity, false],
    ['bound', 0, false],
    ['offset', Infinity, false],
    ['offset', 0, true],
  ])('%s takes %o: %s', (kind, value, accepted) => {
    const read = (): number => durationOption(value, 'x', { unit: 'ms', fallback: 1, kind });
    if (accepted) expect(read()).toBe(value);
    else expect(caught(read).code).toBe('invalid_options');
  });

  it('a limit words Infinity in its own terms where it says so', () => {
    const error = caught(() =>
      durationOption(-1, 'readTimeoutMs', {
        unit: 'ms',
        fallback: 10_000,
        kind: 'limit',
        infinity: 'reads without a time limit',
      }),
    );
    expect(error.message).toContain('or Infinity, which reads without a time limit; got -1.');
  });
});

describe('now: a Date, milliseconds or a function giving either, in every entry', () => {
  const at = d.nowMs;
  const clocks: Array<[string, unknown]> = [
    ['a Date', new Date(at)],
    ['milliseconds', at],
    ['a function returning milliseconds', () => at],
    ['a function returning a Date', () => new Date(at)],
  ];
  const bad: Array<[string, unknown]> = [
    ['a string', '2026-11-22'],
    ['NaN', Number.NaN],
    ['an invalid Date', new Date(Number.NaN)],
    ['a function returning a string', () => 'now'],
  ];

  it.each(clocks)('verify, memoryStore, memoryStateStore and createSweep take %s', async (_, now) => {
    expect(verify(d.body, d.headers, { secret: d.secret, now: now as Date }).id).toBe('msg_test_1');
    // The store's clock decides expiry: at a fixed time an id held for 1 s is still held.
    const store = memoryStore({ now: now as Date });
    expect(await store.claim('evt_1', 'token', 1_000)).toBe('claimed');
    expect(await store.claim('evt_1', 'other', 1_000)).toBe('in_flight');
    const state = memoryStateStore({ now: now as Date });
    expect(await state.acquire('session:s1', 'token', 1_000)).toEqual({ acquired: true, handled: undefined });
    expect(() => createSweep({ ...sweepDeps(), now: now as Date })).not.toThrow();
  });

  it('a fixed clock stands still; a function is read each time', async () => {
    let t = at;
    const moving = memoryStore({ now: () => t });
    await moving.claim('evt_1', 'token', 1_000);
    t += 1_001;
    expect(await moving.claim('evt_1', 'other', 1_000)).toBe('claimed');
    const fixed = memoryStore({ now: at });
    await fixed.claim('evt_1', 'token', 1_000);
    expect(await fixed.claim('evt_1', 'other', 1_000)).toBe('in_flight');
  });

  it.each(bad)('every entry refuses %s, naming the option', async (_, now) => {
    const message = 'must be a valid Date, milliseconds since the epoch, or a function returning either';
    const entries: Array<[string, () => Promise<unknown>]> = [
      ['now', async () => verify(d.body, d.headers, { secret: d.secret, now: now as Date })],
      ['memoryStore: now', async () => memoryStore({ now: now as Date }).claim('evt_1', 'token', 1_000)],
      ['memoryStateStore: now', async () => memoryStateStore({ now: now as Date }).acquire('session:s1', 't', 1_000)],
      ['createSweep: now', async () => createSweep({ ...sweepDeps(), now: now as Date }).run()],
    ];
    for (const [name, run] of entries) {
      const error = await refusal(run());
      expect(error.code).toBe('invalid_options');
      expect(error.message).toContain(`${name} ${message}`);
    }
  });
});

describe('retentionSeconds: one name for how long a handled event is remembered', () => {
  it('the guard takes retentionSeconds, and ttlSeconds still works as its deprecated alias', async () => {
    for (const options of [{ retentionSeconds: 10 }, { ttlSeconds: 10 }]) {
      let t = d.nowMs;
      const guard = createIdempotencyGuard({ store: memoryStore({ now: () => t }), ...options });
      expect((await guard.run('evt_1', () => 1)).status).toBe('processed');
      t += 9_999;
      expect(await guard.run('evt_1', () => 2)).toEqual({ status: 'duplicate', inFlight: false });
      t += 2;
      expect(await guard.run('evt_1', () => 3)).toEqual({ status: 'processed', value: 3 });
    }
  });

  it('refuses both at once, naming the one to keep', () => {
    const error = caught(() => createIdempotencyGuard({ retentionSeconds: 10, ttlSeconds: 10 }));
    expect(error.code).toBe('invalid_options');
    expect(error.message).toContain('give retentionSeconds only; ttlSeconds is its deprecated former name');
  });
});

describe('a Redis Cluster without a hash-tagged prefix: refused by every BullMQ entry alike', () => {
  // The check reads the connection's shape (ioredis marks a Cluster with isCluster: true), before
  // any connection is made; test/redis-cluster.test.ts drives a real Cluster.
  const cluster = { isCluster: true } as never;
  const sweep = { run: async () => ({}) } as never;
  it.each<[string, () => Promise<unknown>]>([
    ['createEventQueue', async () => createEventQueue({ connection: cluster })],
    ['createEventWorker', async () => createEventWorker({ connection: cluster, handlers: {} })],
    ['scheduleSweeps', () => scheduleSweeps({ connection: cluster, everyMs: 60_000, prefix: 'maw' })],
    ['createSweepWorker', async () => createSweepWorker({ connection: cluster, sweep })],
  ])('%s', async (what, make) => {
    const error = await refusal(make());
    expect(error.code).toBe('invalid_options');
    expect(error.message).toContain(`${what}: on a Redis Cluster the prefix needs a hash tag, e.g. prefix: '{maw}'`);
  });
});
