import type {
  BetaManagedAgentsSessionEvent,
  BetaManagedAgentsSpanModelUsage,
} from '@anthropic-ai/sdk/resources/beta/sessions';
import { selectSessionEvents } from '../../src/simulate/list-events.js';
import { BadRequest, paginate } from '../../src/simulate/pagination.js';
import type { RecordedRequest, StubAnswer } from './sdk-stub-server.js';

/**
 * Answers `GET /v1/sessions/{id}/events` the way the API documents it, from a session's event log
 * (oldest first), selecting with the stand-in's own query reading (`selectSessionEvents` in
 * src/simulate) and its cursors (`paginate`): `types[]` filters, `order` sorts by `processed_at`
 * (default `asc`), `limit` caps the page, `page` is the `next_page` a previous answer gave. The
 * server may return fewer than `limit` (`pageSize` caps it), as any server may. Any other path is
 * a 404; a bad query or cursor a 400.
 */
export function eventLogResponder(
  logs: Record<string, readonly BetaManagedAgentsSessionEvent[]>,
  { pageSize = 1000 }: { pageSize?: number } = {},
): (request: RecordedRequest) => StubAnswer {
  return (request) => {
    const url = new URL(request.url, 'http://stub');
    const match = /^\/v1\/sessions\/([^/]+)\/events$/.exec(url.pathname);
    const log = match ? logs[decodeURIComponent(match[1] ?? '')] : undefined;
    if (request.method !== 'GET' || log === undefined) {
      return { status: 404, body: { type: 'error', error: { type: 'not_found_error', message: 'Not found' } } };
    }
    try {
      const { items, order, limit } = selectSessionEvents(log, url.searchParams);
      const page = paginate(items, { order, limit: Math.min(limit, pageSize), page: url.searchParams.get('page') });
      return { status: 200, body: { data: page.data, next_page: page.next_page } };
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      return { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: error.message } } };
    }
  };
}

type Type = BetaManagedAgentsSessionEvent['type'];
type EventOf<T extends Type> = Extract<BetaManagedAgentsSessionEvent, { type: T }>;
/** An event of type `T` without the fields the log fills in (`id` may still be given). */
export type EventInput<T extends Type> = Omit<EventOf<T>, 'id' | 'processed_at'> & { id?: string };

/** Builds a session's event log with ids and increasing `processed_at` times. */
export function eventLog(): {
  events: BetaManagedAgentsSessionEvent[];
  add<T extends Type>(event: EventInput<T> & { type: T }): EventOf<T>;
} {
  const events: BetaManagedAgentsSessionEvent[] = [];
  const base = Date.parse('2026-11-30T10:00:00.000Z');
  return {
    events,
    add(event) {
      const full = {
        id: `sevt_${String(events.length + 1).padStart(4, '0')}`,
        processed_at: new Date(base + events.length * 1000).toISOString(),
        ...event,
      } as never;
      events.push(full);
      return full;
    },
  };
}

/** A grader's or model's usage block, as the API reports it. */
export const USAGE: BetaManagedAgentsSpanModelUsage = {
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 120,
  input_tokens: 2_310,
  output_tokens: 188,
  speed: null,
};
