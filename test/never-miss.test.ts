// examples/never-miss under chaos: the platform stand-in drops, duplicates and reorders its
// deliveries and the receiver is killed for longer than the sender's retry window, while two
// worker processes (real BullMQ, a real redis-server, the real SDK against the stand-in) handle
// what arrives. With the sweep on, every session's final state is handled, each (session, version)
// once and never an older version after a newer; with the sweep off, final states are lost.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceVersion } from '../src/reconcile/index.js';
import { runScenario, startSimulator, type ScenarioSession } from '../src/simulate/index.js';
import { buildNeverMiss, startEntry, type NeverMissProcess } from './support/never-miss-processes.js';
import { freePort, startRedisProcess, until, type RedisProcess } from './support/redis-process.js';

interface Handled {
  kind: string;
  id: string;
  status: string;
  version: string;
}

interface RunResult {
  sessions: ScenarioSession[];
  handled: Handled[];
  stats: unknown;
}

let bundle: { dir: string; remove: () => void };
beforeAll(async () => {
  bundle = await buildNeverMiss();
});
afterAll(() => bundle?.remove());

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function readHandled(path: string): Handled[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Handled);
}

/** Sessions whose last handled line is not their final state on the platform. */
function unconverged(sessions: ScenarioSession[], handled: Handled[]): string[] {
  const last = new Map<string, Handled>();
  for (const line of handled) last.set(line.id, line);
  return sessions
    .filter((s) => last.get(s.id)?.version !== s.finalUpdatedAt || last.get(s.id)?.status !== s.finalStatus)
    .map((s) => s.id);
}

interface RunOptions {
  sweep: boolean;
  seed: number;
  sessions: number;
  durationMs: number;
  reorderMs: number;
  /** SIGKILL the first worker this long into the scenario and start a new one a second later. */
  killWorkerAtMs?: number;
  /** How long the workers may take to converge once the sender is done; default 20 s. */
  convergeMs?: number;
  /** SIGKILL redis-server this long into the scenario and start it again on its AOF a second later. */
  killRedisAtMs?: number;
}

async function chaosRun(options: RunOptions): Promise<RunResult> {
  // AOF with appendfsync always: what Redis acknowledged is on disk before the reply, so a
  // SIGKILLed server comes back with it (the README's advice for the queue).
  const dataDir = mkdtempSync(join(tmpdir(), 'never-miss-redis-'));
  const redisArgs = ['--dir', dataDir, '--appendonly', 'yes', '--appendfsync', 'always'];
  const redisPort = await freePort();
  let redisProcess: RedisProcess = await startRedisProcess(redisPort, redisArgs);
  const redis = { url: `redis://127.0.0.1:${redisPort}` };
  const port = await freePort();
  const log = join(bundle.dir, `handled-${options.sweep ? 'sweep' : 'nosweep'}-${options.seed}.jsonl`);
  rmSync(log, { force: true });
  const sim = await startSimulator({
    target: `http://127.0.0.1:${port}/webhooks`,
    dropRate: 0.25,
    duplicateRate: 0.1,
    reorderMs: options.reorderMs,
    // The sender's 5–120 s backoff, a hundred times faster: it gives up ~1.5 s after a first attempt.
    timeScale: 0.01,
    seed: options.seed,
  });
  const processes: NeverMissProcess[] = [];
  try {
    const receiverEnv = {
      PORT: String(port),
      REDIS_URL: redis.url,
      ANTHROPIC_WEBHOOK_SIGNING_KEY: sim.secret,
    };
    const workerEnv = {
      REDIS_URL: redis.url,
      ANTHROPIC_BASE_URL: sim.url,
      ANTHROPIC_API_KEY: 'sk-ant-never-miss',
      WORKER_CONCURRENCY: '4',
      HANDLER_DELAY_MS: '150',
      HANDLED_LOG: log,
    };
    let receiver = startEntry(bundle.dir, 'receiver-main', receiverEnv);
    processes.push(receiver);
    for (let i = 0; i < 2; i++) processes.push(startEntry(bundle.dir, 'worker-main', workerEnv));
    await until(() => processes.every((p) => /POST deliveries|waiting for events/.test(p.output())), 15_000, 'ready');
    if (options.sweep) {
      const reconciler = startEntry(bundle.dir, 'reconciler-main', {
        REDIS_URL: redis.url,
        RECONCILE_INTERVAL_MS: '1000',
      });
      expect(await reconciler.exited, reconciler.output()).toBe(0);
      // The first sweep stores the baseline: only changes after it count.
      await wait(1_500);
    }

    const scenario = runScenario(sim.platform, {
      sessions: options.sessions,
      changesPerSession: 4,
      durationMs: options.durationMs,
      seed: options.seed,
    });
    // Offsets from the scenario's start. The receiver dies at 60 % of the run, when the last
    // changes are being sent, and stays down for twice the sender's retry window.
    const sender = sim.sender!;
    const started = Date.now();
    const at = (ms: number): Promise<void> => wait(Math.max(0, started + ms - Date.now()));
    const receiverDownAt = options.durationMs * 0.6;
    const receiverUpAt = receiverDownAt + 2 * sender.retryWindowMs() + 500;
    const outage = (async () => {
      await at(receiverDownAt);
      await receiver.kill('SIGKILL');
      await at(receiverUpAt);
      receiver = startEntry(bundle.dir, 'receiver-main', receiverEnv);
      processes.push(receiver);
      await until(() => /POST deliveries/.test(receiver.output()), 10_000, 'the receiver restarted');
    })();
    const crash = (async () => {
      if (options.killWorkerAtMs === undefined) return;
      await at(options.killWorkerAtMs);
      await processes[1]!.kill('SIGKILL');
      await wait(1_000);
      processes.push(startEntry(bundle.dir, 'worker-main', workerEnv));
    })();
    const redisCrash = (async () => {
      if (options.killRedisAtMs === undefined) return;
      await at(options.killRedisAtMs);
      await redisProcess.kill();
      await wait(1_000);
      redisProcess = await startRedisProcess(redisPort, redisArgs);
    })();
    await Promise.all([outage, crash, redisCrash]);
    const run = await scenario;
    await sender.drain(15_000);

    if (options.sweep) {
      await until(
        () => unconverged(run.sessions, readHandled(log)).length === 0,
        options.convergeMs ?? 20_000,
        'every final state handled',
      ).catch((error: unknown) => {
        // What the processes said is the first thing to read when this fails.
        throw new Error(`${String(error)}\n${processes.map((p) => p.output().slice(-2_000)).join('\n---\n')}`);
      });
    } else {
      // Give the workers time to finish what did arrive: the log stops growing.
      let size = -1;
      await until(
        async () => {
          const now = readHandled(log).length;
          const settled = now === size;
          size = now;
          if (!settled) await wait(1_000);
          return settled;
        },
        20_000,
        'the workers to settle',
      );
    }
    return { sessions: run.sessions, handled: readHandled(log), stats: sender.stats() };
  } finally {
    for (const p of processes) await p.kill('SIGKILL');
    await sim.close();
    await redisProcess.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Each (session, version) handled once — but for at most `tolerated` runs a killed worker had in
 * flight (its side effect done, its version not yet recorded) — and never a version older than one
 * already handled for that session.
 */
function expectOrderly(handled: Handled[], tolerated: number): void {
  expect(handled.every((line) => line.kind === 'session')).toBe(true);
  const seen = new Set<string>();
  const newest = new Map<string, number>();
  const twice: string[] = [];
  for (const line of handled) {
    const key = `${line.id} ${line.version}`;
    if (seen.has(key)) twice.push(key);
    seen.add(key);
    const version = resourceVersion(line.version);
    const before = newest.get(line.id) ?? -1;
    expect(version, `${key} handled after a newer version`).toBeGreaterThanOrEqual(before);
    newest.set(line.id, version);
  }
  expect(twice.length, `handled twice: ${twice.join(', ')}`).toBeLessThanOrEqual(tolerated);
}

// 20 sessions × 4 changes over 5 s: small enough to run twice, with and without the sweep.
const small = { seed: 19, sessions: 20, durationMs: 5_000, reorderMs: 1_000 };

describe('examples/never-miss under chaos', () => {
  it('with the sweep: every final state handled, each version once, never an older after a newer', async () => {
    const { sessions, handled, stats } = await chaosRun({ ...small, sweep: true });
    expect(unconverged(sessions, handled), JSON.stringify(stats)).toEqual([]);
    expectOrderly(handled, 0);
  }, 60_000);

  it('without the sweep, the same run misses final states', async () => {
    const { sessions, handled, stats } = await chaosRun({ ...small, sweep: false });
    expect(unconverged(sessions, handled).length, JSON.stringify(stats)).toBeGreaterThan(0);
  }, 60_000);

  it('at scale: 100 sessions over 20 s, a worker SIGKILLed and restarted, nothing missed', async () => {
    const { sessions, handled, stats } = await chaosRun({
      seed: 20,
      sessions: 100,
      durationMs: 20_000,
      reorderMs: 2_000,
      sweep: true,
      killWorkerAtMs: 10_000,
      convergeMs: 50_000,
    });
    expect(unconverged(sessions, handled), JSON.stringify(stats)).toEqual([]);
    // The killed worker ran at most WORKER_CONCURRENCY (4) handlers at once.
    expectOrderly(handled, 4);
  }, 90_000);

  it('Redis SIGKILLed mid-run and restarted on its AOF (appendfsync always): nothing missed', async () => {
    const { sessions, handled, stats } = await chaosRun({ ...small, seed: 21, sweep: true, killRedisAtMs: 2_500 });
    expect(unconverged(sessions, handled), JSON.stringify(stats)).toEqual([]);
    // Jobs that were running when Redis died are re-run once it is back (their completion was
    // never acknowledged), so a few repeats are tolerated: at most the workers' 2 × 4 slots.
    expectOrderly(handled, 8);
  }, 60_000);
});
