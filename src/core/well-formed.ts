import { fail } from './errors.js';

// An unpaired surrogate: a high one not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

type WithIsWellFormed = string & { isWellFormed?: () => boolean };

/**
 * Whether `text` is well-formed Unicode: no lone UTF-16 surrogate (`\ud800`–`\udfff` unpaired).
 * Such a string has no UTF-8 form, so every encoder replaces the surrogate with U+FFFD: distinct
 * ids become one Redis key or BullMQ job id. `isWellFormed` (Node 20, current browsers) where
 * present, else one linear scan.
 */
export function isWellFormed(text: string): boolean {
  const native = (text as WithIsWellFormed).isWellFormed;
  return typeof native === 'function' ? native.call(text) : !LONE_SURROGATE.test(text);
}

/**
 * Refuses an id that is not well-formed Unicode with `invalid_options`: the id came from the
 * caller (a guard, a store, a queue), not from a delivery, which `unwrap` already checked.
 * `what` names the entry, e.g. `guard.run`.
 */
export function checkWellFormedId(id: string, what: string): void {
  if (!isWellFormed(id)) {
    fail(
      'invalid_options',
      `${what}: the event id holds a lone UTF-16 surrogate (an unpaired \\ud800–\\udfff), which has no UTF-8 form, so Redis would store it under the same key as other ids. unwrap() refuses such events (invalid_event); pass the id of a verified event.`,
    );
  }
}
