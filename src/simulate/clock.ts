/**
 * The next `updated_at` of a resource: now, or 1 ms after its previous stamp when the clock has
 * not moved on (two changes in one millisecond, or a clock stepped back), so a resource's versions
 * always compare strictly increasing, as strings and as times. ISO 8601 with milliseconds, UTC.
 *
 * @example
 * ```ts
 * const first = nextStamp(undefined, Date.now());
 * const second = nextStamp(first, Date.now()); // > first even within the same millisecond
 * ```
 */
export function nextStamp(previous: string | undefined, nowMs: number): string {
  const floor = previous === undefined ? -Infinity : Date.parse(previous) + 1;
  return new Date(Math.max(nowMs, floor)).toISOString();
}
