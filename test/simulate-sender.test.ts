// The stand-in's sender against a real loopback receiver that verifies every delivery with the
// package's unwrapNodeRequest: Anthropic's policy (≤ 3 attempts, jittered backoff in [5, 120] s,
// fresh timestamp per attempt, 3xx disables), the time scale, and the seeded chaos knobs.
import { afterEach, describe, expect, it } from 'vitest';
import { generateSecret, isWebhookVerificationError, type WebhookEvent } from '../src/index.js';
import {
  createPlatform,
  createSender,
  type AttemptRecord,
  type Sender,
  type SenderOptions,
} from '../src/simulate/index.js';
import { freePort } from './support/ports.js';
import { startTestReceiver, type TestReceiver } from './support/webhook-receiver.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function receiver(secret: string | string[]): Promise<TestReceiver> {
  const r = await startTestReceiver(secret);
  open.push(r);
  return r;
}

function sender(options: SenderOptions): Sender {
  const s = createSender(options);
  open.push(s);
  return s;
}

/** `count` session events from a seeded platform: the same ids for the same seed. */
function events(count: number, seed = 1): WebhookEvent[] {
  const platform = createPlatform({ seed });
  while (platform.events.length < count) {
    const { id } = platform.createSession();
    platform.setSessionStatus(id, 'running');
    platform.setSessionStatus(id, 'idle');
  }
  return platform.events.slice(0, count);
}

describe('delivery', () => {
  it('delivers every event once, signed so the receiver verifies it', async () => {
    const secret = generateSecret();
    const r = await receiver(secret);
    const s = sender({ target: r.url, secret, seed: 1 });
    const sent = events(30);
    for (const e of sent) s.send(e);
    expect(await s.drain(10_000)).toBe(true);
    expect(r.received.filter((x) => x.refused !== undefined)).toEqual([]);
    expect(r.received.map((x) => x.event?.id).sort()).toEqual(sent.map((e) => e.id).sort());
    for (const record of s.records()) {
      expect(r.received.find((x) => x.event?.id === record.event.id)?.webhookId).toBe(record.webhookId);
    }
    expect(s.stats()).toMatchObject({
      emitted: 30,
      delivered: 30,
      deliveries: 30,
      attempts: 30,
      gaveUp: 0,
      pending: 0,
    });
  });

  it('makes exactly 3 attempts on a receiver that is down, with jittered backoff in [5, 120] s × timeScale, then drops the event', async () => {
    const timeScale = 0.02;
    const late = 150; // timers fire late on a loaded machine, never early
    const s = sender({ target: `http://127.0.0.1:${await freePort()}/webhooks`, timeScale, seed: 3 });
    for (const e of events(8)) s.send(e);
    expect(await s.drain(10_000)).toBe(true);
    const gaps: number[] = [];
    for (const record of s.records()) {
      expect(record.outcome).toBe('gave_up');
      expect(record.attempts.map((a) => [a.attempt, a.status])).toEqual([
        [1, 'error'],
        [2, 'error'],
        [3, 'error'],
      ]);
      expect(record.attempts[0]!.error).toBe('ECONNREFUSED');
      const [a, b, c] = record.attempts as [AttemptRecord, AttemptRecord, AttemptRecord];
      const first = b.atMs - a.endMs;
      const second = c.atMs - b.endMs;
      gaps.push(first, second);
      // The first gap is drawn from the lower band (5–24.5 s), the second from the upper (24.5–120 s).
      expect(first).toBeGreaterThanOrEqual(5_000 * timeScale - 1);
      expect(first).toBeLessThan(24_495 * timeScale + late);
      expect(second).toBeGreaterThanOrEqual(24_490 * timeScale - 1);
      expect(second).toBeLessThanOrEqual(120_000 * timeScale + late);
    }
    // Jitter: no two deliveries retry in lockstep.
    expect(new Set(gaps.map((g) => Math.round(g / 5))).size).toBeGreaterThan(8);
    expect(s.stats()).toMatchObject({ emitted: 8, delivered: 0, gaveUp: 8, attempts: 24, pending: 0 });
    expect(s.retryWindowMs()).toBeCloseTo((5 * Math.sqrt(24) + 120) * 1000 * timeScale, 5);
  });

  it('counts any non-2xx as a failure: the receiver sees 3 attempts, each with a fresh webhook-timestamp', async () => {
    const secret = generateSecret();
    const r = await receiver(secret);
    r.answer = () => 503;
    // A clock that moves 2 s per read, so each attempt's timestamp must differ if it is re-signed.
    let clock = Date.now() - 60_000;
    const s = sender({ target: r.url, secret, timeScale: 0.001, seed: 4, now: () => (clock += 2_000) });
    const [event] = events(1);
    s.send(event!);
    expect(await s.drain(5_000)).toBe(true);
    expect(r.received).toHaveLength(3);
    expect(r.received.every((x) => x.event?.id === event!.id && x.webhookId === r.received[0]!.webhookId)).toBe(true);
    const stamps = r.received.map((x) => x.timestamp);
    expect(stamps[1]).toBeGreaterThan(stamps[0]!);
    expect(stamps[2]).toBeGreaterThan(stamps[1]!);
    expect(s.records()[0]!.attempts.map((a) => a.status)).toEqual([503, 503, 503]);
    expect(s.stats()).toMatchObject({ gaveUp: 1, delivered: 0, attempts: 3 });
  });

  it('succeeds on a retry when the receiver recovers within the window', async () => {
    const secret = generateSecret();
    const r = await receiver(secret);
    r.answer = (n) => (n === 1 ? 500 : 200);
    const s = sender({ target: r.url, secret, timeScale: 0.001, seed: 5 });
    s.send(events(1)[0]!);
    expect(await s.drain(5_000)).toBe(true);
    expect(s.records()[0]).toMatchObject({ outcome: 'delivered', attempts: [{ status: 500 }, { status: 200 }] });
  });

  it('disables the endpoint on a 3xx: no retry, later events dropped until enable(); without the knob a 3xx is a plain failure', async () => {
    const secret = generateSecret();
    const r = await receiver(secret);
    r.answer = () => 307;
    const s = sender({ target: r.url, secret, timeScale: 0.001, seed: 6 });
    const [first, second, third] = events(3);
    s.send(first!);
    expect(await s.drain(5_000)).toBe(true);
    expect(s.disabled?.reason).toMatch(/307/);
    s.send(second!);
    expect(await s.drain(5_000)).toBe(true);
    expect(r.received).toHaveLength(1);
    expect(s.records().map((x) => [x.outcome, x.attempts.length])).toEqual([
      ['disabled', 1],
      ['disabled', 0],
    ]);
    r.answer = () => 200;
    s.enable();
    s.send(third!);
    expect(await s.drain(5_000)).toBe(true);
    expect(s.records()[2]!.outcome).toBe('delivered');
    expect(s.stats()).toMatchObject({ droppedWhileDisabled: 2, delivered: 1 });

    r.answer = () => 301;
    const lenient = sender({ target: r.url, secret, timeScale: 0.001, seed: 6, disableOnRedirect: false });
    lenient.send(first!);
    expect(await lenient.drain(5_000)).toBe(true);
    expect(lenient.disabled).toBeUndefined();
    expect(lenient.records()[0]).toMatchObject({
      outcome: 'gave_up',
      attempts: [{ status: 301 }, { status: 301 }, { status: 301 }],
    });
  });

  it('signs with the new secret at once after rotateSecret, as regenerating it in the Console does', async () => {
    const old = generateSecret();
    const onlyOld = await receiver(old);
    const s = sender({ target: onlyOld.url, secret: old, timeScale: 0.001, seed: 7, attempts: 1 });
    const fresh = s.rotateSecret();
    expect(s.secret).toBe(fresh);
    s.send(events(1)[0]!);
    expect(await s.drain(5_000)).toBe(true);
    expect(onlyOld.received.map((x) => x.refused)).toEqual(['invalid_signature']);
    expect(s.stats().gaveUp).toBe(1);
  });
});

describe('chaos', () => {
  async function chaosRun(seed: number, count = 400) {
    const secret = generateSecret();
    const r = await receiver(secret);
    const s = sender({ target: r.url, secret, seed, dropRate: 0.25, duplicateRate: 0.1 });
    for (const e of events(count)) s.send(e);
    expect(await s.drain(20_000)).toBe(true);
    return { r, s, fates: s.records().map((x) => `${x.outcome}/${x.copies}`) };
  }

  it('drops and duplicates about the share asked for, the same events for the same seed', async () => {
    const { r, s, fates } = await chaosRun(42);
    const stats = s.stats();
    expect(stats.droppedByChaos / 400).toBeGreaterThan(0.19);
    expect(stats.droppedByChaos / 400).toBeLessThan(0.31);
    expect(stats.duplicatesSent / (400 - stats.droppedByChaos)).toBeGreaterThan(0.05);
    expect(stats.duplicatesSent / (400 - stats.droppedByChaos)).toBeLessThan(0.15);
    expect(stats.delivered).toBe(400 - stats.droppedByChaos);
    // Every copy reached the receiver, verified: the duplicates with the same webhook-id and event.
    expect(r.received.length).toBe(stats.delivered + stats.duplicatesSent);
    expect(stats.deliveries).toBe(r.received.length);
    expect(r.received.every((x) => x.refused === undefined)).toBe(true);
    // Each event draws from its own stream: the first 100 fare the same in a shorter run.
    const again = await chaosRun(42, 100);
    expect(again.fates).toEqual(fates.slice(0, 100));
    const other = await chaosRun(43, 100);
    expect(other.fates).not.toEqual(fates.slice(0, 100));
  });

  it('reorders deliveries by up to reorderMs and adds latencyMs before each attempt', async () => {
    const secret = generateSecret();
    const r = await receiver(secret);
    const s = sender({ target: r.url, secret, seed: 9, reorderMs: 300, latencyMs: 50 });
    const sent = events(40);
    for (const e of sent) s.send(e);
    expect(await s.drain(5_000)).toBe(true);
    const order = r.received.map((x) => sent.findIndex((e) => e.id === x.event?.id));
    expect(order).toHaveLength(40);
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
    const starts = s.records().map((x) => x.attempts[0]!.atMs);
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(49);
    expect(Math.max(...starts)).toBeLessThan(50 + 300 + 200);
  });

  it("fails attempts inside a 'down' window and drops deliveries due inside a 'disabled' one", async () => {
    const secret = generateSecret();
    const r = await receiver(secret);
    const down = sender({ target: r.url, secret, seed: 10, timeScale: 0.01, outages: [{ startMs: 0, endMs: 40 }] });
    down.send(events(1)[0]!);
    expect(await down.drain(5_000)).toBe(true);
    expect(down.records()[0]).toMatchObject({
      outcome: 'delivered',
      attempts: [{ status: 'outage' }, { status: 204 }],
    });
    expect(r.received).toHaveLength(1);

    const off = sender({ target: r.url, secret, seed: 11, outages: [{ startMs: 0, endMs: 150, mode: 'disabled' }] });
    const [a, b] = events(2);
    off.send(a!);
    await new Promise((resolve) => setTimeout(resolve, 200));
    off.send(b!);
    expect(await off.drain(5_000)).toBe(true);
    expect(off.records().map((x) => x.outcome)).toEqual(['disabled', 'delivered']);
    expect(r.received.map((x) => x.event?.id)).toEqual([events(1)[0]!.id, b!.id]);
  });

  it('close() cancels what is pending and stops its timers', async () => {
    const s = createSender({ target: `http://127.0.0.1:${await freePort()}/`, seed: 12 });
    s.send(events(1)[0]!);
    await new Promise((resolve) => setTimeout(resolve, 50)); // first attempt refused; the retry waits ≥ 5 s
    const started = performance.now();
    await s.close();
    expect(performance.now() - started).toBeLessThan(500);
    expect(s.records()[0]!.outcome).toBe('cancelled');
    expect(await s.drain(1_000)).toBe(true);
  });

  it('refuses bad options with invalid_options', () => {
    const code = (options: SenderOptions): string | undefined => {
      try {
        createSender(options);
      } catch (error) {
        return isWebhookVerificationError(error) ? error.code : 'other';
      }
      return undefined;
    };
    const target = 'http://127.0.0.1:1/';
    expect(code({ target, dropRate: 1.5 })).toBe('invalid_options');
    expect(code({ target, duplicateRate: -0.1 })).toBe('invalid_options');
    expect(code({ target, timeScale: 0 })).toBe('invalid_options');
    expect(code({ target, reorderMs: Number.NaN })).toBe('invalid_options');
    expect(code({ target, attempts: 0 })).toBe('invalid_options');
    expect(code({ target, outages: [{ startMs: 10, endMs: 5 }] })).toBe('invalid_options');
    expect(code({ target: 'ftp://x/' })).toBe('invalid_options');
    expect(code({ target, secret: 'whsec_!!' })).toBe('invalid_secret');
    expect(code({ target, reorderMs: 0, latencyMs: 0 })).toBeUndefined();
  });
});
