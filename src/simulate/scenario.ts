import { checkOptions, fail } from '../core/errors.js';
import { durationOption } from '../core/options.js';
import type { Platform } from './platform.js';
import { between, randomSeed, seededRandom, type Random, type Seed } from './prng.js';
import type { SimulatedStatus } from './resources.js';

/**
 * Options of {@link runScenario}. The defaults are the chaos run: 100 sessions, 4 status
 * changes each, over 20 s, a third of them in bursts a few milliseconds apart.
 *
 * @example
 * ```ts
 * const options: ScenarioOptions = { sessions: 100, changesPerSession: 4, durationMs: 20_000, burstFraction: 1 / 3, seed: 1 };
 * ```
 */
export interface ScenarioOptions {
  /** How many sessions to create (default 100). */
  sessions?: number;
  /** Status changes per session after its creation, the last one final (default 4). */
  changesPerSession?: number;
  /** How long the whole run takes, in ms (default 20,000). */
  durationMs?: number;
  /** Share of sessions whose changes all come in one burst a few ms apart (default 1/3). */
  burstFraction?: number;
  /** Longest gap between two changes of a burst, in ms (default 5). */
  burstGapMs?: number;
  /** Seeds the plan (which sessions burst, their walks and times); random when left out. */
  seed?: Seed;
  /** Stops the run early; the sessions created so far keep their state. */
  signal?: AbortSignal;
}

/**
 * One session of a run: the statuses it went through and the final state a receiver must reach.
 *
 * @example
 * ```ts
 * const missed = run.sessions.filter((s) => handled.get(s.id) !== s.finalUpdatedAt);
 * ```
 */
export interface ScenarioSession {
  id: string;
  /** Whether its changes came in a burst. */
  burst: boolean;
  /** The statuses it was moved to, in order; the last is its final one. */
  statuses: SimulatedStatus[];
  /** Its status when the run ended: `'idle'` or `'terminated'` unless the run was stopped. */
  finalStatus: SimulatedStatus;
  /** Its `updated_at` when the run ended: the version a level-triggered receiver must handle. */
  finalUpdatedAt: string;
}

/**
 * What {@link runScenario} did.
 *
 * @example
 * ```ts
 * const { sessions, changes, elapsedMs } = await runScenario(platform, { seed: 1 });
 * ```
 */
export interface ScenarioResult {
  seed: Seed;
  sessions: ScenarioSession[];
  /** Status changes made (creations not counted). */
  changes: number;
  /** How long the run took, in ms. */
  elapsedMs: number;
}

// A walk the platform allows: idle → running → (idle | rescheduling → running) …, ending in a
// final state, idle or terminated, reachable from wherever the walk is.
const NEXT: Record<SimulatedStatus, SimulatedStatus[]> = {
  idle: ['running'],
  running: ['idle', 'rescheduling'],
  rescheduling: ['running'],
  terminated: [],
};
const FINAL: Record<SimulatedStatus, SimulatedStatus[]> = {
  idle: ['terminated'],
  running: ['idle', 'terminated'],
  rescheduling: ['terminated'],
  terminated: [],
};

interface Step {
  atMs: number;
  session: number;
  /** -1 creates the session; otherwise the index of the status change. */
  change: number;
}

/**
 * Drives `platform` through a seeded run: creates sessions and walks each through status changes
 * spread over `durationMs` (some in bursts), ending every session in a final state. Each change
 * emits its webhook event, so a sender subscribed to the platform delivers them as they happen.
 * Resolves when the last change is made (not when deliveries settle: `sender.drain()` for that).
 *
 * @example
 * ```ts
 * const sim = await startSimulator({ target: 'http://127.0.0.1:3000/webhooks', dropRate: 0.25, seed: 1 });
 * const run = await runScenario(sim.platform, { sessions: 100, changesPerSession: 4, durationMs: 20_000, seed: 1 });
 * await sim.sender?.drain();
 * for (const s of run.sessions) expectHandled(s.id, s.finalStatus, s.finalUpdatedAt);
 * ```
 */
export async function runScenario(platform: Platform, options: ScenarioOptions = {}): Promise<ScenarioResult> {
  checkOptions(options, "runScenario's options", '{ sessions: 100, changesPerSession: 4, durationMs: 20_000 }');
  const count = whole(options.sessions, 'sessions', 100, 100_000);
  const changes = whole(options.changesPerSession, 'changesPerSession', 4, 1_000);
  const durationMs = durationOption(options.durationMs, 'runScenario: durationMs', {
    unit: 'ms',
    fallback: 20_000,
    kind: 'offset',
  });
  const burstGapMs = durationOption(options.burstGapMs, 'runScenario: burstGapMs', {
    unit: 'ms',
    fallback: 5,
    kind: 'bound',
  });
  const fraction = options.burstFraction ?? 1 / 3;
  if (typeof fraction !== 'number' || !(fraction >= 0 && fraction <= 1)) {
    fail('invalid_options', `runScenario: burstFraction must be a number from 0 to 1; got ${String(fraction)}.`);
  }
  const seed = options.seed ?? randomSeed();

  const plans = Array.from({ length: count }, (_, i) => {
    const random = seededRandom(seed, 'scenario', i);
    // Spread the bursting sessions evenly, so the share is exact for any count.
    const burst = Math.floor((i + 1) * fraction) > Math.floor(i * fraction);
    return { burst, statuses: walk(changes, random), times: times(changes, durationMs, burst, burstGapMs, random) };
  });
  const steps: Step[] = plans.flatMap((plan, session) =>
    plan.times.map((atMs, k) => ({ atMs, session, change: k - 1 })),
  );
  steps.sort((a, b) => a.atMs - b.atMs || a.session - b.session || a.change - b.change);

  const ids: string[] = [];
  let made = 0;
  const started = performance.now();
  for (const step of steps) {
    if (options.signal?.aborted === true) break;
    const wait = step.atMs - (performance.now() - started);
    if (wait > 0) await sleep(wait);
    const plan = plans[step.session];
    if (plan === undefined) continue;
    if (step.change < 0) {
      ids[step.session] = platform.createSession({ metadata: { scenario_session: String(step.session) } }).id;
      continue;
    }
    const id = ids[step.session];
    const status = plan.statuses[step.change];
    if (id === undefined || status === undefined) continue;
    platform.setSessionStatus(id, status);
    made++;
  }

  const sessions = plans.flatMap((plan, i): ScenarioSession[] => {
    const id = ids[i];
    const session = id === undefined ? undefined : platform.getSession(id);
    if (id === undefined || session === undefined) return [];
    return [
      {
        id,
        burst: plan.burst,
        statuses: plan.statuses,
        finalStatus: session.status,
        finalUpdatedAt: session.updated_at,
      },
    ];
  });
  return { seed, sessions, changes: made, elapsedMs: Math.round(performance.now() - started) };
}

function walk(changes: number, random: Random): SimulatedStatus[] {
  const statuses: SimulatedStatus[] = [];
  let current: SimulatedStatus = 'idle';
  for (let k = 0; k < changes; k++) {
    const choices: SimulatedStatus[] = k === changes - 1 ? FINAL[current] : NEXT[current];
    current = choices[Math.floor(random() * choices.length)] ?? 'terminated';
    statuses.push(current);
  }
  return statuses;
}

/** The creation time followed by one time per change, ascending. */
function times(changes: number, durationMs: number, burst: boolean, gapMs: number, random: Random): number[] {
  if (burst) {
    const start = between(random, 0, Math.max(0, durationMs - changes * gapMs));
    const out = [start];
    for (let k = 0; k < changes; k++)
      out.push((out[out.length - 1] ?? start) + between(random, Math.min(1, gapMs), gapMs));
    return out;
  }
  return Array.from({ length: changes + 1 }, () => between(random, 0, durationMs)).sort((a, b) => a - b);
}

function whole(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max) return value;
  return fail(
    'invalid_options',
    `runScenario: ${name} must be a whole number from 1 to ${max}; got ${String(value)}. Leave it out for ${fallback}.`,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
