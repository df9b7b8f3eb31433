import type { Random } from './prng.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghijkmnopqrstuvwxyz';

/**
 * An id in the API's style (`sesn_011C…`, 24 characters after the prefix), drawn from `random`
 * so a seeded run names its resources the same way every time.
 *
 * @example
 * ```ts
 * const id = makeId('sesn_', seededRandom(7)); // 'sesn_011C…'
 * ```
 */
export function makeId(prefix: string, random: Random): string {
  let out = `${prefix}011C`;
  for (let i = 0; i < 20; i++) out += ALPHABET[Math.floor(random() * ALPHABET.length)] ?? '0';
  return out;
}
