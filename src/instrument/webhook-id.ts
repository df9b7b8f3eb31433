const NAME = 'webhook-id';
/** The core refuses longer ids; an attribute or a log line needs no more. */
const MAX_LENGTH = 256;
/** Headers looked at before giving up: a record's size is the sender's to choose. */
const MAX_ENTRIES = 256;

/**
 * The `webhook-id` header of a delivery, for a span attribute or a refusal's context: read
 * leniently from any shape `HeadersInput` allows (or none), never throwing, cut to 256 characters.
 * Not the core's reader, which refuses what this only reports.
 */
export function webhookIdOf(headers: () => unknown): string | undefined {
  try {
    return clip(find(headers()));
  } catch {
    // A throwing getter or iterator in the caller's headers: there is just no id to report.
    return undefined;
  }
}

function find(headers: unknown): unknown {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') return get.call(headers, NAME);
  if (Symbol.iterator in headers) {
    let seen = 0;
    for (const pair of headers as Iterable<unknown>) {
      if (++seen > MAX_ENTRIES) return undefined;
      if (Array.isArray(pair) && isName(pair[0])) return pair[1];
    }
    return undefined;
  }
  const record = headers as Record<string, unknown>;
  if (NAME in record) return record[NAME];
  let seen = 0;
  for (const key in record) {
    if (++seen > MAX_ENTRIES) return undefined;
    if (isName(key)) return record[key];
  }
  return undefined;
}

function isName(name: unknown): boolean {
  return typeof name === 'string' && name.length === NAME.length && name.toLowerCase() === NAME;
}

function clip(value: unknown): string | undefined {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  if (typeof first !== 'string' || first === '') return undefined;
  return first.length > MAX_LENGTH ? first.slice(0, MAX_LENGTH) : first;
}
