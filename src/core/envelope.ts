import type { WebhookEvent } from '../events/types.js';
import { fail } from './errors.js';

/**
 * Parses a verified body into an event, checking only the envelope: per-type fields are not
 * enforced, and unknown `data.type` values pass, so a new event type or field added by
 * Anthropic never makes a receiver refuse deliveries.
 */
export function parseEnvelope(text: string | undefined): WebhookEvent {
  let value: unknown;
  try {
    if (text === undefined) throw new Error('not UTF-8');
    value = JSON.parse(text);
  } catch {
    return fail(
      'invalid_json',
      'The signature is valid but the body is not JSON in UTF-8. Use verify() instead of unwrap() if this endpoint receives non-JSON deliveries.',
    );
  }
  if (!isObject(value) || value.type !== 'event') {
    return invalid('is not an object with type "event"');
  }
  if (typeof value.id !== 'string') return invalid('has no string "id"');
  if (typeof value.created_at !== 'string') return invalid('has no string "created_at"');
  const data = value.data;
  if (!isObject(data)) return invalid('has no object "data"');
  if (typeof data.type !== 'string') return invalid('has no string "data.type"');
  if (typeof data.id !== 'string') return invalid('has no string "data.id"');
  return value as unknown as WebhookEvent;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(what: string): never {
  return fail(
    'invalid_event',
    `The signature is valid but the JSON ${what}, so it is not a Managed Agents event envelope. Use verify() for other payloads.`,
  );
}
