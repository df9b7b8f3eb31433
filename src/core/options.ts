import { fail } from './errors.js';

/**
 * The longest delay a timer keeps, in milliseconds: 2^31−1 (about 24.8 days). Node (and browsers)
 * turn a longer `setTimeout` into 1 ms, so a bigger limit would fire at once instead of never.
 */
export const MAX_DURATION_MS = 2_147_483_647;

/** {@link MAX_DURATION_MS} in whole seconds: 2,147,483. */
export const MAX_DURATION_SECONDS = 2_147_483;

/** How one duration option is read: its unit, its default, and what else it allows. */
export interface DurationRule {
  /** The unit the option's name says: `…Ms` or `…Seconds`. */
  unit: 'ms' | 's';
  /** Used when the option is left out. */
  fallback: number;
  /** What `Infinity` means, only where the option documents it (e.g. "turns the limit off"). */
  infinity?: string;
  /** Whether 0 is allowed (a window that may be empty, such as a tolerance); else it must be > 0. */
  zero?: boolean;
}

/**
 * The one rule for every time option of the package: left out → the default; else a number in
 * the unit its name says, finite, > 0 (or ≥ 0 where `zero`), and at most 2,147,483,647 ms
 * (2,147,483 s); `Infinity` only where the option documents it. Anything else throws
 * `invalid_options` naming the option, the range and the default. Internal: every entry that takes
 * a duration checks it here, so none can be given a value that overflows a timer or Redis.
 *
 * @example
 * ```ts
 * const timeoutMs = durationOption(options.timeoutMs, 'redisStore: timeoutMs', { unit: 'ms', fallback: 2_000, infinity: 'waits as long as the client' });
 * ```
 */
export function durationOption(value: unknown, name: string, rule: DurationRule): number {
  if (value === undefined) return rule.fallback;
  const max = rule.unit === 'ms' ? MAX_DURATION_MS : MAX_DURATION_SECONDS;
  if (typeof value === 'number') {
    if (value === Infinity && rule.infinity !== undefined) return value;
    if (value <= max && (rule.zero === true ? value >= 0 : value > 0)) return value;
  }
  return fail('invalid_options', durationMessage(value, name, rule));
}

function durationMessage(value: unknown, name: string, { unit, fallback, infinity, zero }: DurationRule): string {
  const ms = unit === 'ms';
  return `${name} must be a${infinity ? '' : ' finite'} number of ${ms ? 'milliseconds' : 'seconds'} ${zero ? '>=' : '>'} 0 and at most ${ms ? '2,147,483,647' : '2,147,483'} (~24.8 days, the longest timer)${infinity ? `, or Infinity, which ${infinity}` : ''}; got ${typeof value === 'number' ? value : typeof value}. Leave it out for the default of ${fallback.toLocaleString('en-US')}.`;
}
