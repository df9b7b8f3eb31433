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

const ID = 'webhook-id';
const TIMESTAMP = 'webhook-timestamp';
const SIGNATURE = 'webhook-signature';
// The lengths of the three names ('webhook-timestamp' and 'webhook-signature' share one):
// compared before any lower-casing, since most names a request carries fail on them.
const SHORT_NAME_LENGTH = ID.length;
const LONG_NAME_LENGTH = SIGNATURE.length;

const MAX_ID_LENGTH = 256;

/**
 * The most values taken for the three webhook-* names together (repeats and array elements
 * count one each). A delivery sends each name once; the cap stops a request with thousands of
 * repeats before any more of it is looked at.
 */
export const MAX_WEBHOOK_HEADER_VALUES = 64;

/** The most characters taken for one webhook-* name, all of its values together. */
export const MAX_WEBHOOK_HEADER_CHARS: number = 16 * 1024;

/** Whether `name` is webhook-signature in any case; shared with the Lambda adapter. */
export function isSignatureHeader(name: string): boolean {
  return name.length === SIGNATURE.length && name.toLowerCase() === SIGNATURE;
}

/** Reads and checks the three headers; throws `missing_header` / `invalid_header`. */
export function readWebhookHeaders(headers: HeadersInput): WebhookHeaders {
  if (headers === null || typeof headers !== 'object') {
    fail(
      'missing_header',
      `Headers must be a Headers object, a record, a Map or [name, value] pairs; got ${headers === null ? 'null' : typeof headers}. Pass the request's headers as they are (req.headers or request.headers).`,
    );
  }
  // Read as an untyped object: the input comes from a framework or a sender, whatever its type
  // says, and each value read from it is checked before use.
  const source = headers as unknown as Source;
  const get = source['get'];
  // fetch Headers and look-alikes match names case-insensitively already. A Map has get() too,
  // but matches case-sensitively, so it is read entry by entry like any other iterable.
  if (typeof get === 'function' && !(source instanceof Map)) {
    return fromThree(get.call(source, ID), get.call(source, TIMESTAMP), get.call(source, SIGNATURE));
  }
  if (typeof source[Symbol.iterator] === 'function') return fromGathered(gatherPairs(headers as Iterable<unknown>));
  // Node lower-cases names, so a record usually holds all three as they are spelled here.
  const id = own(source, ID);
  const timestamp = own(source, TIMESTAMP);
  const signature = own(source, SIGNATURE);
  if (id !== undefined && timestamp !== undefined && signature !== undefined) {
    return fromThree(id, timestamp, signature);
  }
  return fromGathered(gatherRecord(source));
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

type Source = Readonly<Record<PropertyKey, unknown>>;

function own(record: Source, name: HeaderName): unknown {
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}

/** The three headers from the value found under each name. */
function fromThree(id: unknown, timestamp: unknown, signature: unknown): WebhookHeaders {
  // One string each is what every framework hands over: checked without gathering.
  if (typeof id === 'string' && typeof timestamp === 'string' && typeof signature === 'string') {
    return fromStrings(id, timestamp, signature);
  }
  const gathered = new Gathered();
  gathered.add(gathered.id, id);
  gathered.add(gathered.timestamp, timestamp);
  gathered.add(gathered.signature, signature);
  return fromGathered(gathered);
}

/** The three headers from one string each, under the same caps as gathered values. */
function fromStrings(id: string, timestamp: string, signature: string): WebhookHeaders {
  const headers: WebhookHeaders = {
    'webhook-id': nonEmpty(ID, id),
    'webhook-timestamp': nonEmpty(TIMESTAMP, timestamp),
    'webhook-signature': nonEmpty(SIGNATURE, signature),
  };
  checkId(id);
  return headers;
}

function nonEmpty(name: HeaderName, value: string): string {
  if (value === '') missing(name);
  if (value.length > MAX_WEBHOOK_HEADER_CHARS) tooLong(name);
  return value;
}

/** The three headers from every value gathered for them. */
function fromGathered(gathered: Gathered): WebhookHeaders {
  const id = onlyValue(gathered.id);
  const timestamp = onlyValue(gathered.timestamp);
  // Several signature headers are as good as one with their entries space-separated.
  const signature = gathered.signature.values.join(' ');
  if (signature === '') missing(SIGNATURE);
  checkId(id);
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
}

function onlyValue({ name, values }: Slot): string {
  if (values.length > 1) {
    fail('invalid_header', `The ${name} header was sent ${values.length} times; a delivery carries exactly one.`);
  }
  const value = values[0];
  if (value === undefined || value === '') missing(name);
  return value;
}

/** Every entry of a record whose names are spelled otherwise, or some missing. */
function gatherRecord(record: Source): Gathered {
  const gathered = new Gathered();
  for (const key of Object.keys(record)) {
    const slot = gathered.slot(key);
    if (slot !== undefined) gathered.add(slot, record[key]);
  }
  return gathered;
}

/**
 * One pass over the pairs, so a one-shot iterable works. Stepped by hand so a broken iterator
 * result is refused as ours, and the iterator is closed when a cap stops the pass early.
 */
function gatherPairs(pairs: Iterable<unknown>): Gathered {
  const iterator = pairs[Symbol.iterator]();
  const gathered = new Gathered();
  let finished = false;
  try {
    for (;;) {
      const step: unknown = iterator.next();
      if (!isObject(step)) {
        fail(
          'invalid_header',
          'The headers iterator returned a result that is not an object; pass the headers as a Map, a record or an array of [name, value] pairs.',
        );
      }
      if (step['done']) {
        finished = true;
        return gathered;
      }
      const pair = step['value'];
      // Indexed rather than destructured: a malformed entry is skipped, not a TypeError.
      if (!isObject(pair)) continue;
      const slot = gathered.slot(pair[0]);
      if (slot !== undefined) gathered.add(slot, pair[1]);
    }
  } finally {
    if (!finished && typeof iterator.return === 'function') iterator.return();
  }
}

function isObject(value: unknown): value is Source {
  return typeof value === 'object' && value !== null;
}

/** Every value seen for one name, and their length as joined, one separator between each. */
interface Slot {
  readonly name: HeaderName;
  readonly values: string[];
  chars: number;
}

/**
 * Every value seen for the three names, kept in one list per name so merging stays linear in
 * the number of entries. The caps are checked on every value added, so an oversized input is
 * refused as soon as it passes one, not after it has all been read.
 */
class Gathered {
  readonly id: Slot = { name: ID, values: [], chars: 0 };
  readonly timestamp: Slot = { name: TIMESTAMP, values: [], chars: 0 };
  readonly signature: Slot = { name: SIGNATURE, values: [], chars: 0 };
  private count = 0;

  /**
   * The list for a header name in any case, or `undefined` for every other name. Its cost is
   * bounded whatever the name's length: only a name of the right length is lower-cased.
   */
  slot(key: unknown): Slot | undefined {
    if (typeof key !== 'string' || (key.length !== SHORT_NAME_LENGTH && key.length !== LONG_NAME_LENGTH)) {
      return undefined;
    }
    const name = key.toLowerCase();
    if (name === ID) return this.id;
    if (name === TIMESTAMP) return this.timestamp;
    return name === SIGNATURE ? this.signature : undefined;
  }

  /** Adds a value as it came: a string, a list of strings, or nothing (`null`/`undefined`). */
  add(slot: Slot, value: unknown): void {
    if (value === undefined || value === null) return;
    const name = slot.name;
    if (typeof value === 'string') {
      this.push(slot, value);
      return;
    }
    if (!Array.isArray(value)) notText(name, value);
    // Read by index up to the cap, never iterated whole: an array's length is the sender's to choose.
    const length = value.length;
    if (length > MAX_WEBHOOK_HEADER_VALUES) tooMany(name, length);
    for (let i = 0; i < length; i++) {
      const item: unknown = value[i];
      // One level only: an array inside an array is not a header value, and is not searched.
      if (typeof item !== 'string') notText(name, item);
      this.push(slot, item);
    }
  }

  private push(slot: Slot, value: string): void {
    if (++this.count > MAX_WEBHOOK_HEADER_VALUES) tooMany(slot.name, this.count);
    slot.chars += value.length + (slot.values.length > 0 ? 1 : 0);
    if (slot.chars > MAX_WEBHOOK_HEADER_CHARS) tooLong(slot.name);
    slot.values.push(value);
  }
}

function tooLong(name: HeaderName): never {
  return fail(
    'invalid_header',
    `The ${name} header is over ${MAX_WEBHOOK_HEADER_CHARS} characters (all of its values together); it is not a delivery from Anthropic.`,
  );
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
