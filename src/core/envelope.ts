import type { WebhookEvent } from '../events/types.js';
import { fail } from './errors.js';
import { isWellFormed } from './well-formed.js';

/**
 * Parses a verified body into an event, checking only the envelope: per-type fields are not
 * enforced, and unknown `data.type` values pass, so a new event type or field added by
 * Anthropic never makes a receiver refuse deliveries.
 */
export function parseEnvelope(text: string | undefined): WebhookEvent {
  let value: unknown;
  try {
    // undefined (bytes that are not UTF-8) becomes the text "undefined", which JSON.parse refuses too.
    value = JSON.parse(text as string);
  } catch {
    return fail(
      'invalid_json',
      'The signature is valid but the body is not JSON in UTF-8. Use verify() instead of unwrap() if this endpoint receives non-JSON deliveries.',
    );
  }
  const problem = envelopeProblem(value);
  if (problem === undefined) return value as WebhookEvent;
  return fail('invalid_event', `The signature is valid but the ${problem}. Use verify() for other payloads.`);
}

/**
 * Why a parsed JSON value is not an event envelope — a clause completing "the …" — or
 * `undefined` when it is one. Shared by `unwrap` and `parseUnverified`, which word the rest.
 */
export function envelopeProblem(value: unknown): string | undefined {
  if (!isObject(value) || value.type !== 'event') return notEnvelope('is not an object with type "event"');
  if (typeof value.id !== 'string') return notEnvelope('has no string "id"');
  if (!isWellFormed(value.id)) return notWellFormed('id');
  if (typeof value.created_at !== 'string') return notEnvelope('has no string "created_at"');
  const data = value.data;
  if (!isObject(data)) return notEnvelope('has no object "data"');
  if (typeof data.type !== 'string') return notEnvelope('has no string "data.type"');
  if (typeof data.id !== 'string') return notEnvelope('has no string "data.id"');
  if (!isWellFormed(data.id)) return notWellFormed('data.id');
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function notEnvelope(what: string): string {
  return `JSON ${what}, so it is not a Managed Agents event envelope`;
}

/**
 * A lone surrogate (JSON `"\ud800"` unpaired) has no UTF-8 form: Redis keys, BullMQ job ids and
 * logs would hold U+FFFD instead, so distinct ids would collide as one. No Anthropic id has one.
 */
function notWellFormed(field: string): string {
  return `event's "${field}" holds a lone UTF-16 surrogate, which is not well-formed Unicode and would collide with other ids in Redis and BullMQ (no Managed Agents id has one)`;
}
