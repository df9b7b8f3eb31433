import { isKnownEventType, type WebhookEvent, type WebhookEventOf, type WebhookEventType } from './types.js';

/**
 * An event whose `data.type` this version does not know. Its `data` holds whatever Anthropic
 * sent; only the envelope fields are guaranteed.
 */
export interface UnknownWebhookEvent {
  type: 'event';
  id: string;
  created_at: string;
  data: { type: string; id: string; [field: string]: unknown };
}

/** One handler per `data.type` you care about, plus an optional `default` for the rest. */
export type EventHandlers<R> = { [T in WebhookEventType]?: (event: WebhookEventOf<T>) => R } & {
  default?: (event: WebhookEvent | UnknownWebhookEvent) => R;
};

/**
 * Calls the handler for `event.data.type` with the narrowed event, or `default` (also for
 * types newer than this version). Returns the handler's result — a Promise if it is async — or
 * `undefined` when no handler applies.
 *
 * @example
 * ```ts
 * await dispatch(event, {
 *   'session.status_idled': (e) => notify(`session ${e.data.id} is idle`),
 *   'session.thread_created': (e) => track(e.data.session_thread_id),
 *   default: (e) => console.log('ignored', e.data.type),
 * });
 * ```
 */
export function dispatch<R>(event: WebhookEvent | UnknownWebhookEvent, handlers: EventHandlers<R>): R | undefined {
  const type = event.data.type;
  // Own properties only, so a type such as "constructor" never reaches Object.prototype.
  const handler =
    isKnownEventType(type) && Object.prototype.hasOwnProperty.call(handlers, type) ? handlers[type] : undefined;
  if (handler !== undefined) return (handler as (event: WebhookEvent | UnknownWebhookEvent) => R)(event);
  return handlers.default?.(event);
}
