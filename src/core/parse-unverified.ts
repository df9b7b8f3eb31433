import type { WebhookEvent } from '../events/types.js';
import { bodyBytes, bodyText, type BodyInput } from './body.js';
import { envelopeProblem } from './envelope.js';
import { fail } from './errors.js';

/**
 * Reads a body into a typed event WITHOUT checking its signature or timestamp: the same body and
 * envelope checks as `unwrap` and the same error codes (`invalid_body`, `invalid_json`,
 * `invalid_event`), and nothing else. This is NOT verification: anyone can write a body that
 * passes. Never call it on a request that just arrived — use `unwrap` there.
 *
 * It is right where the body was verified before, or never came from the network: replaying
 * events you stored after `unwrap`, dead letters exported to a file, log lines, fixtures in
 * tests. Unknown `data.type` values pass, as with `unwrap`.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { dispatch, parseUnverified } from 'managed-agents-webhooks';
 *
 * // A body stored after unwrap() verified it: no headers or secret needed to read it again.
 * const event = parseUnverified(readFileSync('dead-letters/evt_123.json'));
 * await dispatch(event, { 'session.status_idled': (e) => console.log(e.data.id) });
 * ```
 */
export function parseUnverified(body: BodyInput): WebhookEvent {
  if (isParsed(body)) {
    fail(
      'invalid_body',
      'parseUnverified() reads a body as a string, Uint8Array or ArrayBuffer; got an already-parsed value. No signature is involved here, so JSON.stringify(value) is fine if the parsed event is all you kept.',
    );
  }
  const text = typeof body === 'string' ? body : bodyText(bodyBytes(body));
  let value: unknown;
  try {
    // undefined (bytes that are not UTF-8) becomes the text "undefined", which JSON.parse refuses too.
    value = JSON.parse(text as string);
  } catch {
    return fail(
      'invalid_json',
      'parseUnverified(): the body is not JSON in UTF-8. Pass the body of a delivery as it was received or stored (its text or its exact bytes).',
    );
  }
  const problem = envelopeProblem(value);
  if (problem !== undefined) {
    fail(
      'invalid_event',
      `parseUnverified(): the ${problem}. Pass the whole delivery body ({"type":"event","id":…,"created_at":…,"data":{…}}), not only its data.`,
    );
  }
  return value as WebhookEvent;
}

// An object or array that is neither bytes nor an ArrayBuffer: JSON already parsed by someone.
function isParsed(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    !ArrayBuffer.isView(body) &&
    Object.prototype.toString.call(body) !== '[object ArrayBuffer]'
  );
}
