// `GET /v1/sessions/{id}/events`: a session's event list filtered, ordered and paged as the API
// documents it.
import { BadRequest, paginate, readBounds, readLimit } from './pagination.js';

/**
 * One page of a session's event list (oldest first) for the query `client.beta.sessions.events.list`
 * sends: `types[]` filters, `created_at[gt|gte|lt|lte]` bound `processed_at`, `order` sorts
 * (`asc` by default), `limit` caps the page (1–100, 20 by default), `page` is a previous
 * `next_page`. A cursor names a position in the list, which only grows, so pages stay stable
 * while the agent appends events.
 *
 * @example
 * ```ts
 * const page = listSessionEvents(platform.sessionEvents(id), new URLSearchParams('order=desc&limit=1'));
 * ```
 */
export function listSessionEvents<E extends ListedEvent>(
  events: readonly E[],
  query: URLSearchParams,
): { data: E[]; next_page: string | null } {
  const { items, order, limit } = selectSessionEvents(events, query);
  const { data, next_page } = paginate(items, { limit, order, page: query.get('page') });
  return { data: structuredClone(data), next_page };
}

/** What the listing reads of an event: its type and when it was processed. */
export interface ListedEvent {
  type: string;
  processed_at?: string | null | undefined;
}

/**
 * The events a list query selects, oldest first with their position in the list, and the order
 * and page size it asks for: every parameter but `page`, checked (`BadRequest`).
 *
 * @example
 * ```ts
 * const { items, order, limit } = selectSessionEvents(events, new URLSearchParams('types[]=agent.message'));
 * ```
 */
export function selectSessionEvents<E extends ListedEvent>(
  events: readonly E[],
  query: URLSearchParams,
): { items: Array<{ index: number; value: E }>; order: 'asc' | 'desc'; limit: number } {
  const limit = readLimit(query);
  const order = query.get('order') ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw new BadRequest("order: must be 'asc' or 'desc'");
  // The SDK sends `types[]=a&types[]=b`; the API reference says to repeat `types`. Both are read.
  const types = new Set([...query.getAll('types'), ...query.getAll('types[]')]);
  const bounds = readBounds(query);
  const items = events
    .map((value, index) => ({ index, value }))
    .filter(({ value }) => types.size === 0 || types.has(value.type))
    .filter(({ value }) => bounds.every((inside) => inside(Date.parse(value.processed_at ?? ''))));
  return { items, order, limit };
}
