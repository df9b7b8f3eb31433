// Cursor pagination as the API does it: `BidirectionalPageCursor` (`data`, `next_page`,
// `prev_page`) for sessions, `PageCursor` (`data`, `next_page`) for threads. The SDK sends the
// same query again with `page` set to a cursor, so a cursor only has to say where a page ends.
// It names a position in creation order, which never changes, so pages stay stable while
// resources change status or new ones are created between two requests.

/**
 * A refusal of a request, answered as the API's `invalid_request_error` (400).
 *
 * @example
 * ```ts
 * throw new BadRequest('limit: must be a whole number from 1 to 100');
 * ```
 */
export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

/**
 * One page, the shape both cursor types read.
 *
 * @example
 * ```ts
 * const { data, next_page, prev_page }: Page<SimulatedSession> = paginate(items, request);
 * ```
 */
export interface Page<T> {
  data: T[];
  next_page: string | null;
  prev_page: string | null;
}

/** Where a page starts: after (`next`) or before (`prev`) the item at a creation index. */
interface Cursor {
  direction: 'next' | 'prev';
  index: number;
}

const PREFIX = 'page_';

/**
 * One page of `items` (with their creation index, filtered already) in `order`, from a cursor.
 *
 * @example
 * ```ts
 * const page = paginate(items, { limit: 2, order: 'asc', page: null });
 * // page.next_page → the cursor of the rest
 * ```
 */
export function paginate<T>(
  items: ReadonlyArray<{ index: number; value: T }>,
  request: { limit: number; order: 'asc' | 'desc'; page: string | null },
): Page<T> {
  const ordered = request.order === 'asc' ? [...items] : [...items].reverse();
  const after = (index: number, than: number): boolean => (request.order === 'asc' ? index > than : index < than);
  const cursor = request.page === null ? undefined : decode(request.page);
  let page: typeof ordered;
  if (cursor === undefined) page = ordered.slice(0, request.limit);
  else if (cursor.direction === 'next')
    page = ordered.filter((i) => after(i.index, cursor.index)).slice(0, request.limit);
  else page = ordered.filter((i) => after(cursor.index, i.index)).slice(-request.limit);
  const first = page[0];
  const last = page[page.length - 1];
  const more = last !== undefined && ordered.some((i) => after(i.index, last.index));
  const fewer = first !== undefined && ordered.some((i) => after(first.index, i.index));
  return {
    data: page.map((i) => i.value),
    next_page: more ? encode({ direction: 'next', index: last.index }) : null,
    prev_page: fewer ? encode({ direction: 'prev', index: first.index }) : null,
  };
}

/**
 * `limit` from a query: default 20, a whole number from 1 to 100.
 *
 * @example
 * ```ts
 * readLimit(new URLSearchParams('limit=100')); // 100
 * ```
 */
export function readLimit(query: URLSearchParams): number {
  const text = query.get('limit');
  if (text === null) return 20;
  const limit = Number(text);
  if (!/^\d+$/.test(text) || limit < 1 || limit > 100)
    throw new BadRequest('limit: must be a whole number from 1 to 100');
  return limit;
}

const COMPARE: Record<string, (ms: number, bound: number) => boolean> = {
  gt: (ms, bound) => ms > bound,
  gte: (ms, bound) => ms >= bound,
  lt: (ms, bound) => ms < bound,
  lte: (ms, bound) => ms <= bound,
};

/**
 * A list query's `created_at[gt|gte|lt|lte]` bounds, as tests on a time in milliseconds; a bound
 * that is not an RFC 3339 time is a `BadRequest`.
 *
 * @example
 * ```ts
 * const bounds = readBounds(new URLSearchParams('created_at[gte]=2026-01-01T00:00:00Z'));
 * bounds.every((inside) => inside(Date.parse(session.created_at)));
 * ```
 */
export function readBounds(query: URLSearchParams): Array<(ms: number) => boolean> {
  const bounds: Array<(ms: number) => boolean> = [];
  for (const [op, compare] of Object.entries(COMPARE)) {
    const text = query.get(`created_at[${op}]`);
    if (text === null) continue;
    const bound = Date.parse(text);
    if (Number.isNaN(bound)) throw new BadRequest(`created_at[${op}]: not an RFC 3339 time: "${text}"`);
    bounds.push((ms) => compare(ms, bound));
  }
  return bounds;
}

function encode(cursor: Cursor): string {
  const text = `${cursor.direction === 'next' ? 'n' : 'p'}${cursor.index}`;
  return PREFIX + btoa(text).replace(/=+$/, '');
}

function decode(page: string): Cursor {
  let text = '';
  try {
    text = page.startsWith(PREFIX) ? atob(page.slice(PREFIX.length)) : '';
  } catch {}
  const match = /^([np])(\d{1,9})$/.exec(text);
  if (match === null)
    throw new BadRequest('page: not a cursor this API returned; pass next_page or prev_page unchanged');
  return { direction: match[1] === 'n' ? 'next' : 'prev', index: Number(match[2]) };
}
