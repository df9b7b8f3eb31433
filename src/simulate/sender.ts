import { checkOptions, fail } from '../core/errors.js';
import { clockOption, durationOption, MAX_DURATION_MS, type Clock } from '../core/options.js';
import { generateSecret } from '../core/secret.js';
import { sign } from '../core/verify.js';
import type { WebhookEvent } from '../events/types.js';
import { ANTHROPIC_RETRY_POLICY, retryGapSeconds, retryWindowSeconds, type RetryPolicy } from './backoff.js';
import { outageAt, planEvent, resolveChaos, type ChaosOptions } from './chaos.js';
import { randomSeed, seededRandom, type Random, type Seed } from './prng.js';

/**
 * Options of {@link createSender}: where to deliver, with which secret, Anthropic's retry policy
 * (changeable for experiments), a time scale, and the chaos knobs.
 *
 * @example
 * ```ts
 * const options: SenderOptions = { target: 'http://127.0.0.1:3000/webhooks', timeScale: 0.01, dropRate: 0.25, seed: 7 };
 * ```
 */
export interface SenderOptions extends ChaosOptions, Partial<RetryPolicy> {
  /** The receiver's URL, e.g. `http://127.0.0.1:3000/webhooks`. */
  target: string;
  /** The endpoint secret (`whsec_…`) deliveries are signed with; generated when left out. */
  secret?: string;
  /** Seeds every chaos and jitter draw; random when left out (read it back from `sender.seed`). */
  seed?: Seed;
  /** Multiplies the backoff gaps: 0.01 turns 5 s into 50 ms. Default 1. */
  timeScale?: number;
  /** Whether a 3xx answer disables the endpoint, as Anthropic does (default true). */
  disableOnRedirect?: boolean;
  /** How long one attempt waits for an answer before it counts as failed (default 10,000 ms). */
  requestTimeoutMs?: number;
  /**
   * The sender's clock for `webhook-timestamp`: a `Date`, ms since the epoch, or a function giving
   * either, as every `now` option takes; the system clock when left out (skew it to rehearse clock drift).
   */
  now?: Clock;
}

/**
 * Where an event's delivery stands: `pending` (still being tried), `delivered` (a 2xx),
 * `dropped` (chaos: never sent), `gave_up` (every attempt failed), `disabled` (the endpoint was
 * disabled when it was due), `cancelled` (the sender was closed first).
 *
 * @example
 * ```ts
 * const lost = sender.records().filter((r) => r.outcome !== 'delivered' && r.outcome !== 'pending');
 * ```
 */
export type DeliveryOutcome = 'pending' | 'delivered' | 'dropped' | 'gave_up' | 'disabled' | 'cancelled';

/**
 * One HTTP attempt (or one that an outage window failed without a request).
 *
 * @example
 * ```ts
 * const [first, second] = sender.records()[0]!.attempts;
 * console.log(first.status, second.atMs - first.endMs); // e.g. 503, the backoff in ms
 * ```
 */
export interface AttemptRecord {
  /** 0 for the original, 1 for a duplicate. */
  copy: number;
  /** 1-based within its copy. */
  attempt: number;
  /** When it started, in milliseconds since the sender started. */
  atMs: number;
  /** When it ended (answer, error or outage), in milliseconds since the sender started. */
  endMs: number;
  /** The HTTP status, `'error'` (no answer: refused, reset, timed out) or `'outage'` (a down window). */
  status: number | 'error' | 'outage';
  /** What went wrong, when there was no HTTP answer. */
  error?: string;
}

/**
 * An event the sender was given, and what became of it.
 *
 * @example
 * ```ts
 * for (const r of sender.records()) console.log(r.event.data.type, r.outcome, r.attempts.length);
 * ```
 */
export interface EventRecord {
  event: WebhookEvent;
  /** The `webhook-id` of every attempt of every copy of this event. */
  webhookId: string;
  outcome: DeliveryOutcome;
  /** Copies sent: 1, or 2 when chaos duplicated it; 0 when dropped. */
  copies: number;
  attempts: AttemptRecord[];
}

/**
 * Counts across every event so far.
 *
 * @example
 * ```ts
 * const { emitted, delivered, droppedByChaos, gaveUp } = sender.stats();
 * console.log(`${emitted - delivered} of ${emitted} lost (${droppedByChaos} dropped, ${gaveUp} gave up)`);
 * ```
 */
export interface SenderStats {
  /** Events the platform handed to the sender. */
  emitted: number;
  /** Events that got a 2xx at least once. */
  delivered: number;
  /** 2xx answers in all, duplicates included. */
  deliveries: number;
  /** Extra copies sent because of `duplicateRate`. */
  duplicatesSent: number;
  /** Events chaos dropped before any attempt (`dropRate`). */
  droppedByChaos: number;
  /** Events dropped because the endpoint was disabled (a 3xx, or a `'disabled'` outage window). */
  droppedWhileDisabled: number;
  /** Events whose every attempt failed: lost with no signal, as on the platform. */
  gaveUp: number;
  /** HTTP attempts made, plus attempts a `'down'` window failed. */
  attempts: number;
  /** Events still being tried. */
  pending: number;
  /** Events the sender was closed before it finished. */
  cancelled: number;
}

/**
 * The stand-in's webhook sender: it signs each event with the endpoint secret and POSTs it the
 * way Anthropic does — up to 3 attempts, a fresh `webhook-timestamp` on each, jittered
 * exponential backoff from 5 to 120 s between them; any non-2xx or no answer is a failure, a 3xx
 * also disables the endpoint; after the last failure the event is dropped with no signal.
 *
 * @example
 * ```ts
 * const sender = createSender({ target: 'http://127.0.0.1:3000/webhooks', timeScale: 0.01, dropRate: 0.25, seed: 7 });
 * platform.onEvent((event) => sender.send(event));
 * // … drive the platform …
 * await sender.drain();
 * console.log(sender.stats()); // { emitted, delivered, droppedByChaos, gaveUp, … }
 * await sender.close();
 * ```
 */
export interface Sender {
  readonly target: string;
  /** The seed in use: pass it back to replay the same chaos. */
  readonly seed: Seed;
  /** The current endpoint secret (`whsec_…`). */
  readonly secret: string;
  /** Why and when (ms since start) the endpoint was disabled, or undefined while it is enabled. */
  readonly disabled: { reason: string; atMs: number } | undefined;
  /** Queues an event for delivery; returns at once. */
  send(event: WebhookEvent): void;
  /** Counts so far (see {@link SenderStats}). */
  stats(): SenderStats;
  /** Every event given so far with its outcome and attempts, oldest first. */
  records(): EventRecord[];
  /** Re-enables a disabled endpoint, as in the Console; what was dropped meanwhile stays lost. */
  enable(): void;
  /** Replaces the secret at once, as regenerating it in the Console does; returns the new one. */
  rotateSecret(secret?: string): string;
  /** The longest a delivery can take from its first attempt to its last, in ms, scaled. */
  retryWindowMs(): number;
  /** Waits until no delivery is pending, at most `timeoutMs` (default: the longest one can take); true if settled. */
  drain(timeoutMs?: number): Promise<boolean>;
  /** Stops every timer and in-flight attempt; pending deliveries end `cancelled`. */
  close(): Promise<void>;
}

interface Copy {
  record: EventRecord;
  index: number;
  random: Random;
  state: 'pending' | 'delivered' | 'gave_up' | 'disabled' | 'cancelled';
  timer?: ReturnType<typeof setTimeout>;
}

const WHERE = 'createSender';

/**
 * Creates a sender delivering to `options.target`.
 *
 * @example
 * ```ts
 * const sender = createSender({ target: 'http://127.0.0.1:3000/webhooks', secret, timeScale: 0.01 });
 * sender.send(createSampleEvent('session.status_idled'));
 * await sender.drain();
 * ```
 */
export function createSender(options: SenderOptions): Sender {
  checkOptions(options, `${WHERE}'s options`, "{ target: 'http://127.0.0.1:3000/webhooks' }");
  const target = readTarget(options.target);
  const chaos = resolveChaos(options, WHERE);
  const policy = readPolicy(options);
  const timeScale = readTimeScale(options.timeScale);
  const requestTimeoutMs = durationOption(options.requestTimeoutMs, `${WHERE}: requestTimeoutMs`, {
    unit: 'ms',
    fallback: 10_000,
    kind: 'bound',
  });
  const disableOnRedirect = options.disableOnRedirect ?? true;
  const seed = options.seed ?? randomSeed();
  const now = clockOption(options.now, `${WHERE}: now`);
  let secret = options.secret ?? generateSecret();
  sign({ id: 'msg_check', timestamp: 0, body: '', secret }); // a bad secret fails here, not on every attempt
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const records: EventRecord[] = [];
  const copies = new Set<Copy>();
  const closing = new AbortController();
  const waiters = new Set<() => void>();
  let disabled: { reason: string; atMs: number } | undefined;
  let closed = false;
  let sequence = 0;

  const retryWindowMs = (): number => retryWindowSeconds(policy) * 1000 * timeScale;

  const settleRecord = (record: EventRecord, own: Copy[]): void => {
    const states = own.map((c) => c.state);
    if (states.includes('delivered')) record.outcome = 'delivered';
    else if (states.includes('pending')) record.outcome = 'pending';
    else if (states.includes('disabled')) record.outcome = 'disabled';
    else if (states.includes('cancelled')) record.outcome = 'cancelled';
    else record.outcome = 'gave_up';
  };
  const byRecord = new Map<EventRecord, Copy[]>();

  const finish = (copy: Copy, state: Copy['state']): void => {
    copy.state = state;
    if (copy.timer !== undefined) clearTimeout(copy.timer);
    copies.delete(copy);
    settleRecord(copy.record, byRecord.get(copy.record) ?? []);
    if (copies.size === 0) for (const wake of waiters) wake();
  };

  const schedule = (copy: Copy, delayMs: number, attempt: number): void => {
    copy.timer = setTimeout(
      () => {
        delete copy.timer;
        void run(copy, attempt);
      },
      Math.min(delayMs, MAX_DURATION_MS),
    );
  };

  const run = async (copy: Copy, attempt: number): Promise<void> => {
    if (closed) return finish(copy, 'cancelled');
    const window = outageAt(chaos, elapsed());
    if (disabled !== undefined || window === 'disabled') return finish(copy, 'disabled');
    const atMs = elapsed();
    const entry: AttemptRecord = { copy: copy.index, attempt, atMs, endMs: atMs, status: 'outage' };
    copy.record.attempts.push(entry);
    let status: number | 'error' | 'outage' = 'outage';
    if (window !== 'down') {
      status = await post(copy, entry);
      entry.status = status;
      entry.endMs = elapsed();
    }
    if (closed) return finish(copy, 'cancelled');
    if (typeof status === 'number' && status >= 200 && status < 300) return finish(copy, 'delivered');
    if (typeof status === 'number' && status >= 300 && status < 400 && disableOnRedirect) {
      disable(`the endpoint answered ${status} (a redirect)`);
      return finish(copy, 'disabled');
    }
    if (attempt >= policy.attempts) return finish(copy, 'gave_up');
    const gapMs = retryGapSeconds(attempt, policy, copy.random) * 1000 * timeScale;
    schedule(copy, gapMs + chaos.latencyMs, attempt + 1);
  };

  const post = async (copy: Copy, entry: AttemptRecord): Promise<number | 'error'> => {
    const body = JSON.stringify(copy.record.event);
    // A fresh timestamp on every attempt, as the platform signs each attempt anew.
    const headers = sign({ id: copy.record.webhookId, timestamp: Math.floor(now() / 1000), body, secret });
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'managed-agents-webhooks-simulate', ...headers },
        body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(requestTimeoutMs), closing.signal]),
      });
      await response.arrayBuffer().catch(() => {});
      return response.status;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      entry.error = cause;
      return 'error';
    }
  };

  const disable = (reason: string): void => {
    if (disabled !== undefined) return;
    disabled = { reason, atMs: elapsed() };
    // Deliveries waiting for their next attempt are dropped now; those in flight when they answer.
    for (const copy of [...copies]) if (copy.timer !== undefined) finish(copy, 'disabled');
  };

  return {
    target,
    seed,
    get secret() {
      return secret;
    },
    get disabled() {
      return disabled;
    },
    send(event) {
      const random = seededRandom(seed, 'event', sequence);
      const index = sequence++;
      const plan = planEvent(chaos, random);
      const record: EventRecord = {
        event,
        webhookId: `msg_${event.id.replace(/^evt_/, '')}`,
        outcome: 'pending',
        copies: plan.dropped ? 0 : plan.startDelaysMs.length,
        attempts: [],
      };
      records.push(record);
      if (plan.dropped || closed || disabled !== undefined) {
        record.outcome = plan.dropped ? 'dropped' : closed ? 'cancelled' : 'disabled';
        record.copies = 0;
        return;
      }
      const own = plan.startDelaysMs.map((_delay, c): Copy => ({
        record,
        index: c,
        random: seededRandom(seed, 'event', index, 'copy', c),
        state: 'pending',
      }));
      byRecord.set(record, own);
      for (const [c, copy] of own.entries()) {
        copies.add(copy);
        schedule(copy, (plan.startDelaysMs[c] ?? 0) + chaos.latencyMs, 1);
      }
    },
    stats() {
      const count = (outcome: DeliveryOutcome): number => records.filter((r) => r.outcome === outcome).length;
      return {
        emitted: records.length,
        delivered: count('delivered'),
        deliveries: records.reduce(
          (n, r) =>
            n + r.attempts.filter((a) => typeof a.status === 'number' && a.status >= 200 && a.status < 300).length,
          0,
        ),
        duplicatesSent: records.filter((r) => r.copies > 1).length,
        droppedByChaos: count('dropped'),
        droppedWhileDisabled: count('disabled'),
        gaveUp: count('gave_up'),
        attempts: records.reduce((n, r) => n + r.attempts.length, 0),
        pending: count('pending'),
        cancelled: count('cancelled'),
      };
    },
    records() {
      return records.map((r) => ({ ...r, attempts: r.attempts.map((a) => ({ ...a })) }));
    },
    enable() {
      disabled = undefined;
    },
    rotateSecret(next) {
      const fresh = next ?? generateSecret();
      sign({ id: 'msg_check', timestamp: 0, body: '', secret: fresh });
      secret = fresh;
      return fresh;
    },
    retryWindowMs,
    drain(timeoutMs) {
      const limit = durationOption(timeoutMs, 'drain: timeoutMs', {
        unit: 'ms',
        fallback: Math.min(
          MAX_DURATION_MS,
          Math.ceil(chaos.reorderMs + retryWindowMs() + policy.attempts * (chaos.latencyMs + requestTimeoutMs) + 1_000),
        ),
        kind: 'bound',
      });
      if (copies.size === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const done = (settled: boolean): void => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(settled);
        };
        const wake = (): void => done(true);
        const timer = setTimeout(() => done(copies.size === 0), limit);
        waiters.add(wake);
      });
    },
    async close() {
      closed = true;
      closing.abort();
      for (const copy of [...copies]) if (copy.timer !== undefined) finish(copy, 'cancelled');
      // In-flight attempts see the abort and settle as cancelled on their own; wait for them briefly.
      const deadline = Date.now() + 1_000;
      while (copies.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      for (const copy of [...copies]) finish(copy, 'cancelled');
      for (const wake of waiters) wake();
    },
  };
}

function readTarget(value: unknown): string {
  if (typeof value === 'string' && /^https?:\/\/[^/]/.test(value)) {
    try {
      return new URL(value).href;
    } catch {}
  }
  return fail(
    'invalid_options',
    `${WHERE}: target must be the receiver's http(s) URL, e.g. 'http://127.0.0.1:3000/webhooks'.`,
  );
}

function readTimeScale(value: unknown): number {
  if (value === undefined) return 1;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 1_000) return value;
  return fail(
    'invalid_options',
    `${WHERE}: timeScale must be a number > 0 and at most 1000 (0.01 turns 5 s into 50 ms); got ${String(value)}. Leave it out for 1.`,
  );
}

function readPolicy(options: Partial<RetryPolicy>): RetryPolicy {
  const attempts = options.attempts ?? ANTHROPIC_RETRY_POLICY.attempts;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) {
    fail(
      'invalid_options',
      `${WHERE}: attempts must be a whole number from 1 to 10; got ${String(attempts)}. Leave it out for Anthropic's 3.`,
    );
  }
  const min = durationOption(options.minBackoffSeconds, `${WHERE}: minBackoffSeconds`, {
    unit: 's',
    fallback: 5,
    kind: 'bound',
  });
  const max = durationOption(options.maxBackoffSeconds, `${WHERE}: maxBackoffSeconds`, {
    unit: 's',
    fallback: 120,
    kind: 'bound',
  });
  if (max < min)
    fail('invalid_options', `${WHERE}: maxBackoffSeconds (${max}) must be at least minBackoffSeconds (${min}).`);
  return { attempts, minBackoffSeconds: min, maxBackoffSeconds: max };
}
