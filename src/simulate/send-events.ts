// The events a send request carries (`POST /v1/sessions/{id}/events`, and a create request's
// `initial_events`), checked the way the API checks them.
import { BadRequest } from './pagination.js';
import type { SendableEvent, SimulatedUserContent } from './session-events.js';

const CONTENT_TYPES: ReadonlySet<string> = new Set(['text', 'image', 'document', 'redacted']);

/**
 * Checks a send request's `events` the way the API does, naming the field at fault
 * (`events.0.tool_use_id: …`) in a `BadRequest`. Which tool uses a confirmation may answer is the
 * platform's business, not this shape check's.
 *
 * @example
 * ```ts
 * const events = readSendableEvents(JSON.parse(body).events);
 * ```
 */
export function readSendableEvents(value: unknown): SendableEvent[] {
  if (!Array.isArray(value)) throw new BadRequest('events: Field required (an array of events)');
  if (value.length === 0) throw new BadRequest('events: must contain at least one event');
  if (value.length > 100) throw new BadRequest('events: at most 100 events per request');
  return value.map((event, i) => readOne(event, `events.${i}`));
}

function readOne(value: unknown, at: string): SendableEvent {
  const event = record(value, at);
  switch (event['type']) {
    case 'user.message':
      return { type: 'user.message', content: readContent(event['content'], `${at}.content`) };
    case 'user.interrupt': {
      const thread = optionalString(event['session_thread_id'], `${at}.session_thread_id`);
      return thread === undefined ? { type: 'user.interrupt' } : { type: 'user.interrupt', session_thread_id: thread };
    }
    case 'user.tool_confirmation': {
      const result = event['result'];
      if (result !== 'allow' && result !== 'deny') throw new BadRequest(`${at}.result: must be 'allow' or 'deny'`);
      const toolUseId = string(event['tool_use_id'], `${at}.tool_use_id`);
      const deny = optionalString(event['deny_message'], `${at}.deny_message`);
      if (deny !== undefined && deny !== null && result === 'allow')
        throw new BadRequest(`${at}.deny_message: only allowed when result is 'deny'`);
      const out: SendableEvent = { type: 'user.tool_confirmation', result, tool_use_id: toolUseId };
      return deny === undefined ? out : { ...out, deny_message: deny };
    }
    case 'user.define_outcome': {
      const rubric = record(event['rubric'], `${at}.rubric`);
      const max = event['max_iterations'];
      if (max !== undefined && max !== null && !(Number.isInteger(max) && (max as number) >= 1))
        throw new BadRequest(`${at}.max_iterations: must be a whole number from 1, or null`);
      const outcome = {
        type: 'user.define_outcome' as const,
        description: string(event['description'], `${at}.description`),
        rubric:
          rubric['type'] === 'text'
            ? { type: 'text' as const, content: string(rubric['content'], `${at}.rubric.content`) }
            : rubric['type'] === 'file'
              ? { type: 'file' as const, file_id: string(rubric['file_id'], `${at}.rubric.file_id`) }
              : bad(`${at}.rubric.type: must be 'text' or 'file'`),
      };
      return max === undefined ? outcome : { ...outcome, max_iterations: max as number | null };
    }
    case 'user.tool_result':
    case 'user.custom_tool_result':
    case 'system.message':
      throw new BadRequest(`${at}.type: '${String(event['type'])}' is not supported by this stand-in`);
    default:
      throw new BadRequest(
        `${at}.type: must be one of 'user.message', 'user.interrupt', 'user.tool_confirmation', 'user.define_outcome', got ${JSON.stringify(event['type'])}`,
      );
  }
}

function readContent(value: unknown, at: string): SimulatedUserContent[] {
  if (!Array.isArray(value) || value.length === 0) throw new BadRequest(`${at}: must be a non-empty array of blocks`);
  return value.map((item, i) => {
    const block = record(item, `${at}.${i}`);
    const type = block['type'];
    if (typeof type !== 'string' || !CONTENT_TYPES.has(type))
      throw new BadRequest(`${at}.${i}.type: must be 'text', 'image', 'document' or 'redacted'`);
    if (type === 'text') return { type: 'text', text: string(block['text'], `${at}.${i}.text`) };
    if (type !== 'redacted') record(block['source'], `${at}.${i}.source`);
    // Images and documents are kept as sent: the scripted agents never read them.
    return structuredClone(block) as SimulatedUserContent;
  });
}

function record(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BadRequest(`${at}: must be an object`);
  return value as Record<string, unknown>;
}

function string(value: unknown, at: string): string {
  if (typeof value !== 'string' || value === '') throw new BadRequest(`${at}: must be a non-empty string`);
  return value;
}

function optionalString(value: unknown, at: string): string | null | undefined {
  if (value === undefined || value === null || typeof value === 'string') return value;
  throw new BadRequest(`${at}: must be a string or null`);
}

function bad(message: string): never {
  throw new BadRequest(message);
}
