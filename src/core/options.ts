import { fail } from './errors.js';

/**
 * The longest delay a timer keeps, in milliseconds: 2^31−1 (about 24.8 days). Node (and browsers)
 * turn a longer `setTimeout` into 1 ms, so a bigger limit would fire at once instead of never.
 */
export const MAX_DURATION_MS = 2_147_483_647;

/** {@link MAX_DURATION_MS} in whole seconds: 2,147,483. */
export const MAX_DURATION_SECONDS = 2_147_483;

/**
 * What a duration option is, which decides what `Infinity` and `0` mean for it (docs/guide/options.md):
 *
 * | kind       | what it is                                   | `Infinity`      | `0`              |
 * | ---------- | -------------------------------------------- | --------------- | ---------------- |
 * | `limit`    | a wait you may turn off (`readTimeoutMs`)    | no limit        | refused          |
 * | `window`   | an allowed skew (`toleranceSeconds`)         | no check        | exact match only |
 * | `bound`    | a time that must end: a lifetime, a period, a timeout that keeps a sender answered | refused | refused |
 * | `offset`   | a delay or margin (`skewMs`)                 | refused         | none             |
 */
export type DurationKind = 'limit' | 'window' | 'bound' | 'offset';

const KINDS: { readonly [K in DurationKind]: { readonly infinity?: string; readonly zero: boolean } } = {
  limit: { infinity: 'turns the limit off', zero: false },
  window: { infinity: 'turns the check off', zero: true },
  bound: { zero: false },
  offset: { zero: true },
};

/** How one duration option is read: its unit, its default, and its kind. */
export interface DurationRule {
  /** The unit the option's name says: `…Ms` or `…Seconds`. */
  unit: 'ms' | 's';
  /** Used when the option is left out. */
  fallback: number;
  /** What the option is; decides what `Infinity` and `0` mean. */
  kind: DurationKind;
  /**
   * The option's own words for what `Infinity` does (e.g. "reads without a time limit"), where
   * its kind allows `Infinity`.
   */
  infinity?: string;
}

/**
 * The one rule for every time option of the package: left out → the default; else a number in
 * the unit its name says, at most 2,147,483,647 ms (2,147,483 s), > 0 — or ≥ 0 where the kind
 * gives 0 a meaning (`window`, `offset`) — and `Infinity` only where it means "no limit" (`limit`,
 * `window`). Anything else throws `invalid_options` naming the option, the value, the rule and the
 * default. Internal: every entry that takes a duration checks it here, so none can be given a
 * value that overflows a timer or Redis, and no two options of one kind disagree.
 *
 * @example
 * ```ts
 * const readTimeoutMs = durationOption(options.readTimeoutMs, 'readTimeoutMs', { unit: 'ms', fallback: 10_000, kind: 'limit', infinity: 'reads without a time limit' });
 * ```
 */
export function durationOption(value: unknown, name: string, rule: DurationRule): number {
  if (value === undefined) return rule.fallback;
  const { infinity, zero } = allowed(rule);
  const max = rule.unit === 'ms' ? MAX_DURATION_MS : MAX_DURATION_SECONDS;
  if (typeof value === 'number') {
    if (value === Infinity && infinity !== undefined) return value;
    if (value <= max && (zero ? value >= 0 : value > 0)) return value;
  }
  return fail('invalid_options', durationMessage(value, name, rule.unit, rule.fallback, infinity, zero));
}

function allowed({ kind, infinity }: DurationRule): { infinity: string | undefined; zero: boolean } {
  const rule = KINDS[kind];
  return { infinity: rule.infinity === undefined ? undefined : (infinity ?? rule.infinity), zero: rule.zero };
}

function durationMessage(
  value: unknown,
  name: string,
  unit: 'ms' | 's',
  fallback: number,
  infinity: string | undefined,
  zero: boolean,
): string {
  const ms = unit === 'ms';
  return `${name} must be a${infinity ? '' : ' finite'} number of ${ms ? 'milliseconds' : 'seconds'} ${zero ? '>=' : '>'} 0 and at most ${ms ? '2,147,483,647' : '2,147,483'} (~24.8 days, the longest timer)${infinity ? `, or Infinity, which ${infinity}` : ''}; got ${shown(value)}. Leave it out for the default of ${fallback.toLocaleString('en-US')}.`;
}

/** The value as a message shows it: numbers as they are, else what it is. */
function shown(value: unknown): string | number {
  if (typeof value === 'number') return value;
  if (value === null) return 'null';
  if (value instanceof Date) return 'a Date';
  return typeof value === 'function' ? 'a function' : typeof value;
}

/** The clock: a `Date`, milliseconds since the epoch (like `Date.now()`), or a function giving either. */
export type Clock = Date | number | (() => Date | number);

/**
 * Reads a `now` option once, in milliseconds since the epoch: `Date.now()` when left out, a fixed
 * `Date` or number as it is, a function called. Anything else, or a clock that reads an invalid
 * `Date` or a non-finite number, throws `invalid_options` naming the option.
 *
 * @example
 * ```ts
 * readClock(new Date('2026-01-01T00:00:00Z'), 'now'); // 1767225600000
 * ```
 */
export function readClock(now: unknown, name: string): number {
  const value: unknown = typeof now === 'function' ? (now as () => unknown)() : (now ?? Date.now());
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    fail(
      'invalid_options',
      `${name} must be a valid Date, milliseconds since the epoch, or a function returning either; leave it out to use the system clock.`,
    );
  }
  return ms;
}

/**
 * Checks a `now` option (the same {@link Clock} everywhere) and returns it as a function of
 * milliseconds, for entries that read the time again and again: `Date.now` when left out.
 *
 * @example
 * ```ts
 * const now = clockOption(options.now, 'memoryStore: now');
 * const expiresAt = now() + ttlMs;
 * ```
 */
export function clockOption(now: unknown, name: string): () => number {
  if (now === undefined) return Date.now;
  // A function is checked on each read, not called here: a test clock may count its reads.
  if (typeof now === 'function') return () => readClock(now, name);
  const fixed = readClock(now, name);
  return () => fixed;
}
