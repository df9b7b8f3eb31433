import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { unwrapNodeRequest } from '../adapters/node.js';
import { isWebhookVerificationError } from '../core/errors.js';
import { dispatch, type UnknownWebhookEvent } from '../events/dispatch.js';
import type { WebhookEvent } from '../events/types.js';
import type { EnqueueResult } from '../queue/event-queue.js';
// The files, not the /reconcile entry: its job scheduler loads bullmq, which the CLI must not.
import { levelTriggered } from '../reconcile/level-triggered.js';
import type { StateStore } from '../reconcile/store.js';
import { createSweep } from '../reconcile/sweep.js';
import { resourceVersion } from '../reconcile/version.js';
import { runScenario, startSimulator } from '../simulate/index.js';
import type { Output } from './io.js';
import { openRehearsalStore } from './rehearsal-store.js';

const SEED = 19;
const SESSIONS = 30;
const CHANGES = 4;
const SCENARIO_MS = 3_000;
const OUTAGE_START_MS = 800;
const SWEEP_BUDGET_MS = 10_000;
const CONCURRENCY = 4;

type Hint = WebhookEvent | UnknownWebhookEvent;

/**
 * The demo's last act: the platform stand-in drives a level-triggered pipeline (receiver, an
 * in-process hand-off standing in for the queue, a reconciliation sweep) through drops,
 * duplicates, reordering and an outage longer than the sender's retry window, and prints what
 * the sender lost and what was handled anyway. Resolves to 0 when every final state was handled.
 */
export async function rehearsal(io: Output): Promise<number> {
  let Anthropic: typeof import('@anthropic-ai/sdk').default;
  try {
    // The SDK is an optional peer: the other commands (and the rest of the demo) work without it.
    Anthropic = (await import('@anthropic-ai/sdk')).default;
  } catch {
    io.out('\nrehearsal skipped: it needs the optional peer @anthropic-ai/sdk (npm install @anthropic-ai/sdk)');
    return 0;
  }
  const opened = await openRehearsalStore();
  try {
    io.out(`\nrehearsal — ${opened.label}, an in-process hand-off`);
    io.out('in place of the BullMQ queue, and a reconciliation sweep, against the platform stand-in');
    return await drill(io, Anthropic, opened.store);
  } finally {
    await opened.close();
  }
}

async function drill(
  io: Output,
  Anthropic: typeof import('@anthropic-ai/sdk').default,
  store: StateStore,
): Promise<number> {
  const handled = new Map<string, { version: number; fromSweep: boolean }>();
  const runs = new Set<string>();
  let repeats = 0;
  const receiver = createServer();
  // The sender needs the receiver's URL up front: take a port first, then start the stand-in.
  await listen(receiver, 0);
  const port = (receiver.address() as AddressInfo).port;
  const target = `http://127.0.0.1:${port}/webhooks`;
  const stand = await startSimulator({
    target,
    seed: SEED,
    dropRate: 0.25,
    duplicateRate: 0.1,
    reorderMs: 300,
    timeScale: 0.01,
  }).catch(async (error: unknown) => {
    await close(receiver);
    throw error;
  });
  const client = new Anthropic({ baseURL: stand.url, apiKey: 'rehearsal', maxRetries: 2 });
  const handlers = levelTriggered({
    client,
    store,
    session: (session, { version, fromSweep }) => {
      const key = `${session.id}@${version}`;
      if (runs.has(key)) repeats++;
      runs.add(key);
      const seen = handled.get(session.id);
      if (seen === undefined || seen.version < version) handled.set(session.id, { version, fromSweep });
    },
  });
  const handoff = createHandoff((hint) => dispatch(hint, handlers) as Promise<void> | undefined);
  receiver.on('request', (req, res) => {
    unwrapNodeRequest(req, { secret: stand.secret }).then(
      (event) => {
        void handoff.enqueue(event);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      },
      (error: unknown) => {
        const status = isWebhookVerificationError(error) ? error.status : 500;
        res.writeHead(status).end();
      },
    );
  });

  const windowMs = stand.sender?.retryWindowMs() ?? 0;
  const outageMs = Math.ceil(windowMs + 700);
  try {
    io.out(
      `scenario: ${SESSIONS} sessions × ${CHANGES} status changes over ${SCENARIO_MS / 1000} s; 25 % dropped, 10 % duplicated, ` +
        `reordered up to 0.3 s; retries at time scale 0.01 (retry window ${(windowMs / 1000).toFixed(1)} s); ` +
        `the receiver goes down for ${(outageMs / 1000).toFixed(1)} s`,
    );
    const started = new Date();
    const outage = (async () => {
      await sleep(OUTAGE_START_MS);
      await close(receiver);
      await sleep(outageMs);
      await listen(receiver, port);
    })();
    const run = await runScenario(stand.platform, {
      seed: SEED,
      sessions: SESSIONS,
      changesPerSession: CHANGES,
      durationMs: SCENARIO_MS,
    });
    await outage;
    await stand.sender?.drain();
    await handoff.idle();
    const stats = stand.sender?.stats();
    if (stats !== undefined) {
      io.out(
        `sender: ${stats.emitted} emitted, ${stats.delivered} delivered, ${stats.droppedByChaos} dropped by chaos, ` +
          `${stats.gaveUp} gave up after 3 attempts, ${stats.duplicatesSent} duplicates sent`,
      );
    }
    const missing = (): number =>
      run.sessions.filter((s) => handled.get(s.id)?.version !== resourceVersion(s.finalUpdatedAt)).length;
    io.out(`handled from webhooks alone: ${run.sessions.length - missing()}/${run.sessions.length} final states`);

    const sweep = createSweep({
      client,
      queue: { enqueue: (hint) => handoff.enqueue(hint) },
      store,
      since: started,
    });
    const deadline = performance.now() + SWEEP_BUDGET_MS;
    let sweeps = 0;
    let requests = 0;
    while (missing() > 0 && performance.now() < deadline) {
      const result = await sweep.run();
      sweeps++;
      requests += result.requests;
      await handoff.idle();
    }
    const total = run.sessions.length;
    const done = total - missing();
    const recovered = run.sessions.filter((s) => handled.get(s.id)?.fromSweep === true).length;
    io.out(
      `handled final states: ${done}/${total} (recovered by the sweep: ${recovered}; ${sweeps} sweep${sweeps === 1 ? '' : 's'}, ${requests} API requests)`,
    );
    io.out(`(session, version) handled twice: ${repeats}`);
    if (done === total && repeats === 0) {
      io.out('rehearsal: every final state handled, none twice, despite what the sender lost');
      return 0;
    }
    io.out(`rehearsal FAILED: ${total - done} final states not handled within ${SWEEP_BUDGET_MS / 1000} s`);
    return 1;
  } finally {
    await stand.close();
    await handoff.idle();
    if (receiver.listening) await close(receiver);
  }
}

interface Handoff {
  enqueue(hint: Hint): Promise<EnqueueResult>;
  /** Resolves once nothing is queued or running. */
  idle(): Promise<void>;
}

/**
 * A bounded in-process stand-in for the queue: runs at most `CONCURRENCY` hints at once, and
 * reports an id already waiting as `duplicate`, as BullMQ's job ids do. A failed run is retried
 * once after a short pause, as a worker's backoff would.
 */
function createHandoff(work: (hint: Hint) => Promise<void> | undefined): Handoff {
  const waiting: Array<{ hint: Hint; attempt: number }> = [];
  const queued = new Set<string>();
  let running = 0;
  let waiters: Array<() => void> = [];
  const settle = (): void => {
    if (running > 0 || waiting.length > 0) return;
    const list = waiters;
    waiters = [];
    for (const wake of list) wake();
  };
  const pump = (): void => {
    while (running < CONCURRENCY) {
      const next = waiting.shift();
      if (next === undefined) break;
      queued.delete(next.hint.id);
      running++;
      Promise.resolve()
        .then(() => work(next.hint))
        .catch(async () => {
          if (next.attempt >= 3) return;
          await sleep(50);
          waiting.push({ hint: next.hint, attempt: next.attempt + 1 });
        })
        .finally(() => {
          running--;
          pump();
          settle();
        });
    }
  };
  return {
    enqueue(hint) {
      if (queued.has(hint.id)) return Promise.resolve({ status: 'duplicate' });
      queued.add(hint.id);
      waiting.push({ hint, attempt: 1 });
      pump();
      return Promise.resolve({ status: 'enqueued' });
    },
    idle() {
      if (running === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
