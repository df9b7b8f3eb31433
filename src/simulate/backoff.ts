import { between, type Random } from './prng.js';

/**
 * The retry policy: how many attempts, and the range the gaps between them are drawn from.
 *
 * @example
 * ```ts
 * const patient: RetryPolicy = { attempts: 5, minBackoffSeconds: 5, maxBackoffSeconds: 120 };
 * ```
 */
export interface RetryPolicy {
  /** Attempts per delivery, the first included; Anthropic makes 3. */
  attempts: number;
  /** Shortest gap between two attempts, in seconds; Anthropic: 5. */
  minBackoffSeconds: number;
  /** Longest gap between two attempts, in seconds; Anthropic: 120. */
  maxBackoffSeconds: number;
}

/**
 * Anthropic's documented policy: up to 3 attempts, jittered exponential backoff from 5 to 120 s.
 *
 * @example
 * ```ts
 * const windowMs = retryWindowSeconds(ANTHROPIC_RETRY_POLICY) * 1000; // ≈ 144,500
 * ```
 */
export const ANTHROPIC_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  attempts: 3,
  minBackoffSeconds: 5,
  maxBackoffSeconds: 120,
});

/**
 * The gap in seconds after failed attempt `failed` (1-based): jittered exponential. The range
 * [min, max] is cut into one geometric band per gap (with 3 attempts: 5–24.5 s, then
 * 24.5–120 s) and the gap is drawn uniformly inside its band, so gaps grow exponentially, no
 * two deliveries retry in lockstep, and every gap stays within [min, max].
 *
 * @example
 * ```ts
 * const seconds = retryGapSeconds(1, ANTHROPIC_RETRY_POLICY, seededRandom(1)); // 5 ≤ s < 24.5
 * ```
 */
export function retryGapSeconds(failed: number, policy: RetryPolicy, random: Random): number {
  const [low, high] = band(failed, policy);
  return between(random, low, high);
}

/**
 * The longest time, in seconds, from a delivery's first attempt to its last: the sum of the
 * upper edges of its gaps (144.5 s for Anthropic's policy). A receiver down for longer than this
 * loses every event whose first attempt fell in the outage.
 *
 * @example
 * ```ts
 * retryWindowSeconds(ANTHROPIC_RETRY_POLICY); // 144.49…
 * ```
 */
export function retryWindowSeconds(policy: RetryPolicy): number {
  let total = 0;
  for (let failed = 1; failed < policy.attempts; failed++) total += band(failed, policy)[1];
  return total;
}

function band(failed: number, policy: RetryPolicy): [number, number] {
  const gaps = Math.max(1, policy.attempts - 1);
  const ratio = policy.maxBackoffSeconds / policy.minBackoffSeconds;
  const edge = (k: number): number => policy.minBackoffSeconds * ratio ** (Math.min(k, gaps) / gaps);
  return [edge(failed - 1), edge(failed)];
}
