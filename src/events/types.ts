import { EVENT_CATALOG } from './catalog.js';

type Catalog = typeof EVENT_CATALOG;

/** Every `data.type` this version knows, e.g. `'session.status_idled'`. */
export type WebhookEventType = keyof Catalog;

/** The `data` of one event type: `type`, `id`, `organization_id` and the type's own fields. */
export type WebhookEventDataOf<T extends WebhookEventType> = Flatten<
  {
    type: T;
    /** The id of the resource the event is about (session, agent, vault, …). */
    id: string;
    organization_id: string;
  } & { [Field in Catalog[T][number]]: string }
>;

// One object type instead of an intersection, so editors show the fields plainly.
type Flatten<T> = { [K in keyof T]: T[K] };

/** The `data` of any known event; `switch (data.type)` narrows it. */
export type WebhookEventData = { [T in WebhookEventType]: WebhookEventDataOf<T> }[WebhookEventType];

/** An event whose `data.type` is `T`. */
export interface WebhookEventOf<T extends WebhookEventType> {
  type: 'event';
  /** Unique per event and the same on every re-delivery: dedupe on it. */
  id: string;
  /** RFC 3339 time the event occurred. */
  created_at: string;
  data: WebhookEventDataOf<T>;
}

/**
 * A verified webhook event. `switch (event.data.type)` narrows `event.data`.
 *
 * Deliveries of a `data.type` newer than this package still pass verification (so receivers
 * keep working when Anthropic adds one); tell them apart with `isKnownEventType`, or let
 * `dispatch` route them to `default`.
 */
export interface WebhookEvent {
  type: 'event';
  /** Unique per event and the same on every re-delivery: dedupe on it. */
  id: string;
  /** RFC 3339 time the event occurred. */
  created_at: string;
  data: WebhookEventData;
}

/** All known `data.type` values, in catalogue order. */
export const EVENT_TYPES: readonly WebhookEventType[] = /* @__PURE__ */ Object.freeze(
  /* @__PURE__ */ Object.keys(EVENT_CATALOG) as WebhookEventType[],
);

/**
 * Whether this version knows a `data.type`; narrows it to `WebhookEventType`.
 *
 * @example
 * ```ts
 * if (!isKnownEventType(event.data.type)) {
 *   console.warn('new event type, upgrade managed-agents-webhooks:', event.data.type);
 * }
 * ```
 */
export function isKnownEventType(type: string): type is WebhookEventType {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOG, type);
}
