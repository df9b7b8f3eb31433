import { fail } from '../core/errors.js';
import { durationOption } from '../core/options.js';
import { between, type Random } from './prng.js';

/**
 * A window of time, in milliseconds since the sender started, during which the endpoint is out:
 * `'down'` (the default) — every attempt fails as if the receiver were unreachable, and the
 * sender retries as usual; `'disabled'` — the endpoint is disabled, as after a redirect or
 * sustained failures: deliveries due meanwhile are dropped without an attempt and never replayed.
 *
 * @example
 * ```ts
 * const outages: OutageWindow[] = [{ startMs: 2_000, endMs: 9_000 }, { startMs: 12_000, endMs: 13_000, mode: 'disabled' }];
 * ```
 */
export interface OutageWindow {
  startMs: number;
  endMs: number;
  mode?: 'down' | 'disabled';
}

/**
 * What can go wrong on the way, drawn from the sender's seeded generator. Times are real
 * milliseconds (not scaled by `timeScale`).
 *
 * @example
 * ```ts
 * const chaos: ChaosOptions = { dropRate: 0.25, duplicateRate: 0.1, reorderMs: 2_000, latencyMs: 5 };
 * ```
 */
export interface ChaosOptions {
  /** Share of events never sent at all, from 0 to 1 (default 0). */
  dropRate?: number;
  /** Share of events sent twice, as two independent deliveries with the same webhook-id (default 0). */
  duplicateRate?: number;
  /** Each delivery starts after a random extra delay below this, so deliveries overtake each other (default 0). */
  reorderMs?: number;
  /** Added before every attempt, as a slow network would (default 0). */
  latencyMs?: number;
  /** Windows during which the endpoint is down or disabled. */
  outages?: readonly OutageWindow[];
}

/**
 * {@link ChaosOptions} checked, with their defaults.
 *
 * @example
 * ```ts
 * const chaos: Chaos = resolveChaos({ dropRate: 0.1 }, 'createSender');
 * ```
 */
export interface Chaos {
  dropRate: number;
  duplicateRate: number;
  reorderMs: number;
  latencyMs: number;
  outages: ReadonlyArray<Required<OutageWindow>>;
}

/**
 * Checks chaos options (rates from 0 to 1, times ≥ 0, windows that end after they start) and
 * fills in the defaults; anything else throws `invalid_options`.
 *
 * @example
 * ```ts
 * const chaos = resolveChaos({ dropRate: 0.25 }); // { dropRate: 0.25, duplicateRate: 0, … }
 * ```
 */
export function resolveChaos(options: ChaosOptions, where: string): Chaos {
  return {
    dropRate: rate(options.dropRate, `${where}: dropRate`),
    duplicateRate: rate(options.duplicateRate, `${where}: duplicateRate`),
    reorderMs: durationOption(options.reorderMs, `${where}: reorderMs`, { unit: 'ms', fallback: 0, kind: 'offset' }),
    latencyMs: durationOption(options.latencyMs, `${where}: latencyMs`, { unit: 'ms', fallback: 0, kind: 'offset' }),
    outages: (options.outages ?? []).map((window, i) => outage(window, `${where}: outages[${i}]`)),
  };
}

/**
 * What the chaos decided for one event: dropped, or the start delay of each copy to send.
 *
 * @example
 * ```ts
 * const { dropped, startDelaysMs } = planEvent(chaos, random);
 * ```
 */
export interface EventPlan {
  dropped: boolean;
  /** One start delay (ms) per copy; two copies when the event is duplicated. */
  startDelaysMs: number[];
}

/**
 * Draws one event's fate: dropped or not, duplicated or not, and how late each copy starts.
 * Always draws the same number of values, so one event's fate never shifts another's.
 *
 * @example
 * ```ts
 * const plan = planEvent(resolveChaos({ duplicateRate: 1 }, 'x'), seededRandom(1, 'event', 0));
 * plan.startDelaysMs.length; // 2
 * ```
 */
export function planEvent(chaos: Chaos, random: Random): EventPlan {
  const dropped = random() < chaos.dropRate;
  const duplicated = random() < chaos.duplicateRate;
  const first = between(random, 0, chaos.reorderMs);
  const second = between(random, 0, chaos.reorderMs);
  return { dropped, startDelaysMs: duplicated ? [first, second] : [first] };
}

/**
 * The outage in force `elapsedMs` after the sender started, if any.
 *
 * @example
 * ```ts
 * outageAt(chaos, performance.now() - startedAt); // 'down' | 'disabled' | undefined
 * ```
 */
export function outageAt(chaos: Chaos, elapsedMs: number): 'down' | 'disabled' | undefined {
  return chaos.outages.find((w) => elapsedMs >= w.startMs && elapsedMs < w.endMs)?.mode;
}

function rate(value: unknown, name: string): number {
  if (value === undefined) return 0;
  if (typeof value === 'number' && value >= 0 && value <= 1) return value;
  return fail('invalid_options', `${name} must be a number from 0 to 1 (a share of events); got ${String(value)}.`);
}

function outage(window: OutageWindow, name: string): Required<OutageWindow> {
  if (typeof window !== 'object' || window === null) {
    fail('invalid_options', `${name} must be { startMs, endMs, mode? }, e.g. { startMs: 1000, endMs: 5000 }.`);
  }
  const startMs = durationOption(window.startMs, `${name}.startMs`, { unit: 'ms', fallback: 0, kind: 'offset' });
  const endMs = durationOption(window.endMs, `${name}.endMs`, { unit: 'ms', fallback: 0, kind: 'offset' });
  if (endMs <= startMs) fail('invalid_options', `${name}.endMs must be after startMs; got ${startMs}–${endMs}.`);
  const mode = window.mode ?? 'down';
  if (mode !== 'down' && mode !== 'disabled') {
    fail('invalid_options', `${name}.mode must be 'down' or 'disabled'; got ${String(mode)}.`);
  }
  return { startMs, endMs, mode };
}
