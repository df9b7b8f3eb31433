/**
 * A seeded source of numbers in [0, 1), like `Math.random` but the same for the same seed.
 *
 * @example
 * ```ts
 * const random: Random = seededRandom(42);
 * ```
 */
export type Random = () => number;

/**
 * A seed: a number, or any string (hashed).
 *
 * @example
 * ```ts
 * const seed: Seed = 'incident-2026-03-01';
 * ```
 */
export type Seed = number | string;

/**
 * A seeded generator (mulberry32): tiny, fast and good enough to pick chaos, never for secrets.
 * `keys` derive an independent stream, so each event draws from its own stream and a run's
 * choices do not depend on the order in which timers happen to fire.
 *
 * @example
 * ```ts
 * const random = seededRandom(42, 'event', 7);
 * const dropped = random() < 0.25;
 * ```
 */
export function seededRandom(seed: Seed, ...keys: Array<string | number>): Random {
  let state = hash(`${String(seed)}\u0000${keys.join('\u0000')}`);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A fresh seed for a run that was given none; print it so the run can be replayed.
 *
 * @example
 * ```ts
 * const seed = randomSeed(); // e.g. 2841920573
 * ```
 */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 1;
}

/**
 * A number drawn uniformly from [low, high).
 *
 * @example
 * ```ts
 * const delayMs = between(seededRandom(1), 0, 2_000);
 * ```
 */
export function between(random: Random, low: number, high: number): number {
  return low + (high - low) * random();
}

// FNV-1a: spreads a string seed over 32 bits.
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
