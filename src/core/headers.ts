import { fail } from './errors.js';

/**
 * Any way a framework hands over request headers: fetch `Headers`, Node's
 * `IncomingHttpHeaders` (values may be `string[]`), a `Map`, or `[name, value]` pairs.
 * Names are matched case-insensitively.
 */
export type HeadersInput =
  | {
      /** The value of one header, repeated ones joined by `, `; `null` when absent (fetch `Headers`). */
      get(name: string): string | null;
      /** Calls `cb` for every header (fetch `Headers`). */
      forEach(cb: (value: string, name: string) => void): void;
    }
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | ReadonlyMap<string, string | readonly string[]>
  | Iterable<readonly [string, string]>;

/**
 * The three Standard Webhooks headers, as sent. A type alias rather than an interface, so
 * `sign()`'s result can be passed straight back as a `HeadersInput` record.
 */
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

type HeaderName = keyof WebhookHeaders;

const MAX_ID_LENGTH = 256;

/**
 * The most values taken for the three webhook-* names together (repeats and array elements
 * count one each). A delivery sends each name once; the cap stops a request with thousands of
 * repeats before any more of it is looked at.
 */
export const MAX_WEBHOOK_HEADER_VALUES = 64;

/** The most characters taken for one webhook-* name, all of its values together. */
export const MAX_WEBHOOK_HEADER_CHARS: number = 16 * 1024;

/** Reads and checks the three headers; throws `missing_header` / `invalid_header`. */
export function readWebhookHeaders(headers: HeadersInput): WebhookHeaders {
  if (headers === null || typeof headers !== 'object') {
    fail(
      'missing_header',
      `Headers must be a Headers object, a record, a Map or [name, value] pairs; got ${headers === null ? 'null' : typeof headers}. Pass the request's headers as they are (req.headers or request.headers).`,
    );
  }
  const raw = readRaw(headers);
  const found = raw instanceof Found ? raw : undefined;
  // Each name as one plain string is what every framework hands over: checked without gathering.
  const id = found ? single('webhook-id', found.id) : plain('webhook-id', (raw as Plain)[0]);
  const timestamp = found
    ? single('webhook-timestamp', found.timestamp)
    : plain('webhook-timestamp', (raw as Plain)[1]);
  // Several signature headers are as good as one with their entries space-separated.
  const signature = found ? found.signature.values.join(' ') : plain('webhook-signature', (raw as Plain)[2]);
  if (!signature) missing('webhook-signature');
  checkId(id);
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
}

/** An id goes into the signed content between dots, so it must not contain one. */
export function checkId(id: string): void {
  if (id.length > MAX_ID_LENGTH) {
    fail('invalid_header', `The webhook-id is ${id.length} characters, over the ${MAX_ID_LENGTH} allowed.`);
  }
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c === 0x2e || c <= 0x20 || c === 0x7f) {
      fail('invalid_header', 'The webhook-id must not contain "." or whitespace; it is not a delivery from Anthropic.');
    }
  }
}

/** Every value seen for one name, and their total length, gathered in one pass. */
interface Gathered {
  readonly name: HeaderName;
  readonly values: string[];
  chars: number;
}

/**
 * The values of the three names. Appending to a list per name keeps merging linear in the number
 * of entries; the caps are checked on every append, so an oversized input is refused as soon as
 * it passes one, not after it has all been read.
 */
class Found {
  readonly id: Gathered = { name: 'webhook-id', values: [], chars: 0 };
  readonly timestamp: Gathered = { name: 'webhook-timestamp', values: [], chars: 0 };
  readonly signature: Gathered = { name: 'webhook-signature', values: [], chars: 0 };
  private count = 0;

  /** Adds a value as it came: a string, a list of strings, or nothing (`null`/`undefined`). */
  add(into: Gathered, value: unknown): void {
    if (value === undefined || value === null) return;
    if (typeof value === 'string') {
      this.push(into, value);
      return;
    }
    if (!Array.isArray(value)) notText(into.name, value);
    // Read by index up to the cap, never iterated whole: an array's length is the sender's to choose.
    const length = value.length;
    if (length > MAX_WEBHOOK_HEADER_VALUES) tooMany(into.name, length);
    for (let i = 0; i < length; i++) {
      const item: unknown = value[i];
      // One level only: an array inside an array is not a header value, and is not searched.
      if (typeof item !== 'string') notText(into.name, item);
      this.push(into, item);
    }
  }

  private push(into: Gathered, value: string): void {
    if (++this.count > MAX_WEBHOOK_HEADER_VALUES) tooMany(into.name, this.count);
    into.chars += value.length + (into.values.length > 0 ? 1 : 0);
    if (into.chars > MAX_WEBHOOK_HEADER_CHARS) tooLong(into.name);
    into.values.push(value);
  }

  /** The list for a header name in any case, or `undefined` for every other name. */
  slot(key: unknown): Gathered | undefined {
    // The length first: most names are not ours, and lower-casing a long one would cost its length.
    if (typeof key !== 'string' || (key.length !== 10 && key.length !== 17)) return undefined;
    const name = key.toLowerCase();
    if (name === 'webhook-id') return this.id;
    if (name === 'webhook-timestamp') return this.timestamp;
    if (name === 'webhook-signature') return this.signature;
    return undefined;
  }
}

/** The three values as read, when each is one string. */
type Plain = readonly [string, string, string];

/** The values of the three names: as they are when each is one string, else gathered. */
function readRaw(headers: HeadersInput): Found | Plain {
  const source = headers as Record<PropertyKey, unknown>;
  // fetch Headers (and look-alikes such as undici's) match case-insensitively already.
  if (typeof source['get'] === 'function' && !(headers instanceof Map)) {
    const h = headers as { get(name: string): unknown };
    return three(h.get('webhook-id'), h.get('webhook-timestamp'), h.get('webhook-signature'));
  }
  if (typeof source[Symbol.iterator] === 'function') {
    const found = new Found();
    fromPairs(found, headers as Iterable<unknown>);
    return found;
  }
  const record = headers as Readonly<Record<string, unknown>>;
  // Node lower-cases names, so direct hits are the common case; otherwise scan every name.
  const id = own(record, 'webhook-id');
  const timestamp = own(record, 'webhook-timestamp');
  const signature = own(record, 'webhook-signature');
  if (id !== undefined && timestamp !== undefined && signature !== undefined) return three(id, timestamp, signature);
  const found = new Found();
  for (const key of Object.keys(record)) {
    const slot = found.slot(key);
    if (slot !== undefined) found.add(slot, record[key]);
  }
  return found;
}

function three(id: unknown, timestamp: unknown, signature: unknown): Found | Plain {
  if (typeof id === 'string' && typeof timestamp === 'string' && typeof signature === 'string') {
    return [id, timestamp, signature];
  }
  const found = new Found();
  found.add(found.id, id);
  found.add(found.timestamp, timestamp);
  found.add(found.signature, signature);
  return found;
}

/** One name's single string, under the same caps as gathered values. */
function plain(name: HeaderName, value: string): string {
  if (value === '') missing(name);
  if (value.length > MAX_WEBHOOK_HEADER_CHARS) tooLong(name);
  return value;
}

function tooLong(name: HeaderName): never {
  return fail(
    'invalid_header',
    `The ${name} header is over ${MAX_WEBHOOK_HEADER_CHARS} characters (all of its values together); it is not a delivery from Anthropic.`,
  );
}

/**
 * One pass over the pairs, so a one-shot iterable works; repeated names are all kept. Stepped by
 * hand so a broken iterator result is refused as ours, and the iterator is closed when a cap stops
 * the pass early.
 */
function fromPairs(found: Found, pairs: Iterable<unknown>): void {
  const iterator = pairs[Symbol.iterator]();
  let finished = false;
  try {
    for (;;) {
      const step: unknown = iterator.next();
      if (typeof step !== 'object' || step === null) {
        fail(
          'invalid_header',
          'The headers iterator returned a result that is not an object; pass the headers as a Map, a record or an array of [name, value] pairs.',
        );
      }
      if ((step as IteratorResult<unknown>).done) {
        finished = true;
        return;
      }
      const pair = (step as IteratorResult<unknown>).value;
      // Index rather than destructure: a malformed entry is skipped, not a TypeError.
      if (typeof pair !== 'object' || pair === null) continue;
      const slot = found.slot((pair as Record<number, unknown>)[0]);
      if (slot !== undefined) found.add(slot, (pair as Record<number, unknown>)[1]);
    }
  } finally {
    if (!finished && typeof iterator.return === 'function') iterator.return();
  }
}

function own(record: Readonly<Record<string, unknown>>, name: HeaderName): unknown {
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}

function single(name: HeaderName, gathered: Gathered): string {
  const values = gathered.values;
  if (values.length > 1) {
    fail('invalid_header', `The ${name} header was sent ${values.length} times; a delivery carries exactly one.`);
  }
  const value = values[0];
  if (value === undefined || value === '') missing(name);
  return value;
}

function tooMany(name: HeaderName, count: number): never {
  return fail(
    'invalid_header',
    `The webhook-* headers carry ${count} values or more (seen at ${name}), over the ${MAX_WEBHOOK_HEADER_VALUES} allowed; a delivery sends each once. It is not a delivery from Anthropic.`,
  );
}

function notText(name: HeaderName, value: unknown): never {
  const got = Array.isArray(value) ? 'an array' : typeof value;
  return fail(
    'invalid_header',
    `The ${name} header is ${got}, not a string or a list of strings. Pass the request's headers as the framework gives them (req.headers or request.headers), not a transformed copy.`,
  );
}

function missing(name: HeaderName): never {
  return fail(
    'missing_header',
    `The ${name} header is missing or empty. Pass all of the request's headers, as they came; a proxy in front of this handler may be dropping webhook-* headers.`,
  );
}
