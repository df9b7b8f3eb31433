import { fail } from './errors.js';
import { durationOption, readClock, type Clock } from './options.js';

export type { Clock } from './options.js';

/** Standard Webhooks' replay window: five minutes either way. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const MAX_DIGITS = 15;

/** Unix seconds from the header: 1–15 ASCII digits and nothing else (no sign, space or dot). */
export function parseTimestamp(value: string): number {
  const length = value.length;
  let ok = length > 0 && length <= MAX_DIGITS;
  for (let i = 0; ok && i < length; i++) {
    const c = value.charCodeAt(i);
    ok = c >= 0x30 && c <= 0x39;
  }
  if (!ok) {
    fail(
      'invalid_timestamp',
      'The webhook-timestamp header must be Unix seconds as 1 to 15 digits; it is not a delivery from Anthropic, or a proxy rewrote the header.',
    );
  }
  return Number(value);
}

/** Checks the tolerance option once, before any header is read. */
export function resolveTolerance(tolerance: number | undefined): number {
  // 0 stays valid (only the exact second passes): a window may be empty, unlike a timer.
  return durationOption(tolerance, 'toleranceSeconds', {
    unit: 's',
    fallback: DEFAULT_TOLERANCE_SECONDS,
    kind: 'window',
  });
}

/** The current time in whole Unix seconds from the clock option. */
export function resolveNow(now: Clock | undefined): number {
  return Math.floor(readClock(now, 'now') / 1000);
}

/** Refuses a delivery outside the window; exactly at the edge passes. */
export function checkTolerance(timestamp: number, now: number, tolerance: number): void {
  const skew = now - timestamp;
  if (skew > tolerance) {
    fail(
      'timestamp_too_old',
      `The delivery was signed ${skew} s ago, more than the ${tolerance} s tolerance.${unitHint(timestamp, now)} If this is a replay, refusing it is right; otherwise check this server's clock (NTP), or that the delivery was not queued before reaching this handler.`,
    );
  }
  if (-skew > tolerance) {
    fail(
      'timestamp_too_new',
      `The delivery is stamped ${-skew} s in the future, more than the ${tolerance} s tolerance.${unitHint(timestamp, now)} Check this server's clock (NTP), or pass now to verify against the right time.`,
    );
  }
}

// Before 1973-03-03 in Unix seconds; no delivery or working clock is that old.
const EARLY_SECONDS = 100_000_000;

/**
 * A skew of years is rarely a bad clock: usually a value in the wrong unit — `now` given in
 * seconds where milliseconds are expected (a clock near 1970), or one side ~1000× the other.
 */
function unitHint(timestamp: number, now: number): string {
  const date = new Date(now * 1000);
  const at = Number.isNaN(date.getTime()) ? `${now} s` : date.toISOString();
  if (now < EARLY_SECONDS && timestamp >= EARLY_SECONDS) {
    return ` The clock reads ${at}: now looks like seconds rather than milliseconds — pass Date.now(), a Date, or seconds × 1000.`;
  }
  const ratio = now / timestamp;
  if (ratio >= 500 && ratio <= 2000) {
    return ` The clock reads ${at}, ~1000× the webhook-timestamp: now looks like microseconds, or the clock is off — pass Date.now() or a Date.`;
  }
  if (ratio >= 1 / 2000 && ratio <= 1 / 500) {
    return ' The webhook-timestamp is ~1000× the clock: it looks like milliseconds, where Standard Webhooks stamps Unix seconds.';
  }
  return '';
}
