import { runScenario, startSimulator, type OutageWindow, type Simulator } from '../simulate/index.js';
import { parse, str, UsageError, type Parsed } from './args.js';
import { consoleOutput, type Output } from './io.js';

export const SIMULATE_USAGE: string = `Usage: managed-agents-webhooks simulate [--target URL] [options]

Runs a stand-in for the platform on this machine: the sessions API (retrieve, list with cursor
pagination and filters, threads) over in-memory sessions, and a sender that signs every state
change and delivers it to --target the way Anthropic does (up to 3 attempts, jittered backoff
from 5 to 120 s, a 3xx disables the endpoint), with chaos on top. Point your receiver's secret
and ANTHROPIC_BASE_URL at it (any ANTHROPIC_API_KEY works) to rehearse incidents with no account.

It prints ANTHROPIC_BASE_URL and ANTHROPIC_WEBHOOK_SIGNING_KEY, drives a seeded scenario, and
prints what the sender delivered and lost. Without --target, or with --keep-serving, the API
stays up afterwards until Ctrl-C.

  --target URL          the receiver to deliver to, e.g. http://127.0.0.1:3000/webhooks
  --port N              the API's port (default 0: a free one)
  --secret S            the endpoint secret to sign with (default: a fresh whsec_ secret)
  --sessions N          sessions to create (default 100)
  --changes N           status changes per session, ending idle or terminated (default 4)
  --duration-ms MS      how long the scenario runs (default 20000)
  --burst-fraction F    share of sessions whose changes come a few ms apart (default 0.333)
  --seed S              seeds ids, scenario and chaos, to replay a run (default: random, printed)
  --drop R              share of events never sent, 0 to 1 (default 0)
  --duplicate R         share of events sent twice (default 0)
  --reorder-ms MS       random extra delay before each delivery, up to MS (default 0)
  --latency-ms MS       delay added before every attempt (default 0)
  --time-scale X        multiplies the retry backoff: 0.01 turns 5 s into 50 ms (default 1)
  --outage A-B[:disabled]  ms after start during which the receiver is seen down (retries go
                        on), or with :disabled the endpoint is disabled (deliveries dropped);
                        repeatable, e.g. --outage 2000-9000
  --keep-serving        keep the API up after the scenario until Ctrl-C
  --json                print the summary as one JSON object

Exit codes: 0 done (losses are the point of a rehearsal, not an error), 2 usage error.`;

export async function simulateCommand(args: string[], io: Output = consoleOutput): Promise<number> {
  const parsed = parse(args, {
    target: { type: 'string' },
    port: { type: 'string' },
    secret: { type: 'string' },
    sessions: { type: 'string' },
    changes: { type: 'string' },
    'duration-ms': { type: 'string' },
    'burst-fraction': { type: 'string' },
    seed: { type: 'string' },
    drop: { type: 'string' },
    duplicate: { type: 'string' },
    'reorder-ms': { type: 'string' },
    'latency-ms': { type: 'string' },
    'time-scale': { type: 'string' },
    outage: { type: 'string', multiple: true },
    'keep-serving': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (parsed.values.help) return (io.out(SIMULATE_USAGE), 0);
  const target = str(parsed, 'target');
  if (target !== undefined && !/^https?:\/\/[^/]/.test(target))
    throw new UsageError('--target takes the receiver URL, e.g. http://127.0.0.1:3000/webhooks');
  const seedText = str(parsed, 'seed');
  const seed = seedText === undefined ? undefined : /^\d{1,15}$/.test(seedText) ? Number(seedText) : seedText;
  const secret = str(parsed, 'secret');

  const sim = await startSimulator({
    port: number(parsed, 'port', { fallback: 0, min: 0, max: 65_535, whole: true }),
    ...(target === undefined ? {} : { target }),
    ...(secret === undefined ? {} : { secret }),
    ...(seed === undefined ? {} : { seed }),
    dropRate: number(parsed, 'drop', { fallback: 0, min: 0, max: 1 }),
    duplicateRate: number(parsed, 'duplicate', { fallback: 0, min: 0, max: 1 }),
    reorderMs: number(parsed, 'reorder-ms', { fallback: 0, min: 0, max: 2_147_483_647 }),
    latencyMs: number(parsed, 'latency-ms', { fallback: 0, min: 0, max: 2_147_483_647 }),
    timeScale: number(parsed, 'time-scale', { fallback: 1, min: Number.MIN_VALUE, max: 1_000 }),
    outages: outages(parsed),
  });
  try {
    io.out(`ANTHROPIC_BASE_URL=${sim.url}`);
    io.out(`ANTHROPIC_WEBHOOK_SIGNING_KEY=${sim.secret}`);
    io.err(`# the stand-in accepts any ANTHROPIC_API_KEY; seed ${String(sim.seed)} replays this run`);
    const sessions = number(parsed, 'sessions', { fallback: 100, min: 1, max: 100_000, whole: true });
    const durationMs = number(parsed, 'duration-ms', { fallback: 20_000, min: 0, max: 2_147_483_647 });
    io.err(
      `# driving ${sessions} sessions over ${(durationMs / 1000).toFixed(1)} s${target === undefined ? ' (no --target: events are not delivered)' : ` to ${target}`}`,
    );
    const run = await runScenario(sim.platform, {
      seed: sim.seed,
      sessions,
      durationMs,
      changesPerSession: number(parsed, 'changes', { fallback: 4, min: 1, max: 1_000, whole: true }),
      burstFraction: number(parsed, 'burst-fraction', { fallback: 1 / 3, min: 0, max: 1 }),
    });
    if (sim.sender !== undefined) {
      io.err(
        `# scenario done; waiting for the sender's retries (up to ${Math.ceil(sim.sender.retryWindowMs() / 1000)} s)`,
      );
      await sim.sender.drain();
    }
    report(sim, run.sessions, run.changes, run.elapsedMs, parsed.values.json === true, io);
    if (target === undefined || parsed.values['keep-serving'] === true) {
      io.err(`# serving the API at ${sim.url} until Ctrl-C`);
      await interrupted();
    }
    return 0;
  } finally {
    await sim.close();
  }
}

function report(
  sim: Simulator,
  sessions: Array<{ finalStatus: string }>,
  changes: number,
  elapsedMs: number,
  json: boolean,
  io: Output,
): void {
  const finals: Record<string, number> = {};
  for (const s of sessions) finals[s.finalStatus] = (finals[s.finalStatus] ?? 0) + 1;
  const stats = sim.sender?.stats();
  if (json) {
    io.out(
      JSON.stringify({
        seed: sim.seed,
        sessions: sessions.length,
        changes,
        elapsedMs,
        finalStates: finals,
        sender: stats ?? null,
      }),
    );
    return;
  }
  io.out(
    `scenario: ${sessions.length} sessions, ${changes} status changes in ${(elapsedMs / 1000).toFixed(1)} s (seed ${String(sim.seed)})`,
  );
  io.out(
    `final states: ${Object.entries(finals)
      .map(([status, n]) => `${n} ${status}`)
      .join(', ')}`,
  );
  if (stats === undefined) return;
  io.out(
    `sender: ${stats.emitted} emitted, ${stats.delivered} delivered, ${stats.droppedByChaos} dropped by chaos, ` +
      `${stats.gaveUp} gave up after every attempt, ${stats.droppedWhileDisabled} dropped while disabled, ` +
      `${stats.duplicatesSent} duplicates sent, ${stats.attempts} attempts`,
  );
  const lost = stats.emitted - stats.delivered;
  io.out(
    lost === 0
      ? 'lost: none — every event reached the receiver at least once'
      : `lost: ${lost} of ${stats.emitted} events never reached the receiver; only reading the API (a reconciliation sweep) recovers their state`,
  );
  if (sim.sender?.disabled !== undefined) io.out(`endpoint disabled: ${sim.sender.disabled.reason}`);
}

function number(
  parsed: Parsed,
  name: string,
  rule: { fallback: number; min: number; max: number; whole?: boolean },
): number {
  const text = str(parsed, name);
  if (text === undefined) return rule.fallback;
  const value = Number(text);
  if (
    text.trim() === '' ||
    !Number.isFinite(value) ||
    value < rule.min ||
    value > rule.max ||
    (rule.whole === true && !Number.isInteger(value))
  ) {
    const kind = rule.whole === true ? 'a whole number' : 'a number';
    throw new UsageError(
      `--${name} takes ${kind} from ${rule.min === Number.MIN_VALUE ? '> 0' : rule.min} to ${rule.max}; got "${text}"`,
    );
  }
  return value;
}

function outages(parsed: Parsed): OutageWindow[] {
  const values = parsed.values.outage;
  const list = Array.isArray(values) ? values : [];
  return list.map((text) => {
    const match = /^(\d+)-(\d+)(:disabled|:down)?$/.exec(text);
    if (match === null || Number(match[2]) <= Number(match[1]))
      throw new UsageError(
        `--outage takes START-END in ms after start, e.g. 2000-9000 or 2000-9000:disabled; got "${text}"`,
      );
    return { startMs: Number(match[1]), endMs: Number(match[2]), mode: match[3] === ':disabled' ? 'disabled' : 'down' };
  });
}

function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
