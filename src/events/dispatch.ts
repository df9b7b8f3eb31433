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

/**
 * One handler per `data.type` you care about, plus an optional `default` for the rest. Each
 * handler may return its own type; `R` only bounds them all (leave it out for any return type).
 */
export type EventHandlers<R = unknown> = { [T in WebhookEventType]?: (event: WebhookEventOf<T>) => R } & {
  /** Called for every event without a handler of its own, including types newer than this version. */
  default?: (event: WebhookEvent | UnknownWebhookEvent) => R;
};

/** The keys a handler map may have: the 52 event types and `default`. */
type HandlerKey = WebhookEventType | 'default';

/**
 * What `dispatch` returns for a handler map: the union of its handlers' return types, plus
 * `undefined` unless a `default` is given (then some handler always runs).
 */
export type DispatchResult<H> =
  | { [K in keyof H]-?: NonNullable<H[K]> extends (...args: never[]) => infer R ? R : never }[keyof H]
  | (H extends {
      /** A `default` handler: some handler always runs. */
      default: (...args: never[]) => unknown;
    }
      ? never
      : undefined);

/**
 * Calls the handler for `event.data.type` with the narrowed event, or `default` (also for
 * types newer than this version). Returns the handler's result — a Promise if it is async — or
 * `undefined` when no handler applies. Handlers may return different types (one `async`, one
 * not); the result is their union. A key that is not an event type (a typo) does not compile.
 *
 * @example
 * ```ts
 * await dispatch(event, {
 *   'session.status_idled': async (e) => notify(`session ${e.data.id} is idle`),
 *   'session.thread_created': (e) => track(e.data.session_thread_id),
 *   default: (e) => console.log('ignored', e.data.type),
 * });
 * ```
 */
export function dispatch<const H extends EventHandlers>(
  event: WebhookEvent | UnknownWebhookEvent,
  // The mapped `never` turns an unknown key into an error at that key, which a generic
  // parameter alone would let through (no excess-property check against a constraint).
  handlers: H & { [K in Exclude<keyof H, HandlerKey>]: never },
): DispatchResult<H> {
  const type = event.data.type;
  // Own properties only, so a type such as "constructor" never reaches Object.prototype.
  const handler =
    isKnownEventType(type) && Object.prototype.hasOwnProperty.call(handlers, type)
      ? (handlers as EventHandlers)[type]
      : undefined;
  const run = (handler ?? (handlers as EventHandlers).default) as
    ((event: WebhookEvent | UnknownWebhookEvent) => unknown) | undefined;
  return (run === undefined ? undefined : run(event)) as DispatchResult<H>;
}
