import { fail } from './errors.js';

/**
 * Any way a framework hands over request headers: fetch `Headers`, Node's
 * `IncomingHttpHeaders` (values may be `string[]`), a `Map`, or `[name, value]` pairs.
 * Names are matched case-insensitively.
 */
export type HeadersInput =
  | { get(name: string): string | null; forEach(cb: (value: string, name: string) => void): void }
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
type HeaderValue = string | readonly string[] | null | undefined;

const MAX_ID_LENGTH = 256;
const MAX_SIGNATURE_HEADER_LENGTH = 16 * 1024;

/** Reads and checks the three headers; throws `missing_header` / `invalid_header`. */
export function readWebhookHeaders(headers: HeadersInput): WebhookHeaders {
  if (headers === null || typeof headers !== 'object') {
    fail(
      'missing_header',
      `Headers must be a Headers object, a record, a Map or [name, value] pairs; got ${headers === null ? 'null' : typeof headers}. Pass the request's headers as they are (req.headers or request.headers).`,
    );
  }
  const raw = readRaw(headers);
  const id = single('webhook-id', raw['webhook-id']);
  const timestamp = single('webhook-timestamp', raw['webhook-timestamp']);
  const signature = joined(raw['webhook-signature']);
  if (!signature) missing('webhook-signature');
  checkId(id);
  if (signature.length > MAX_SIGNATURE_HEADER_LENGTH) {
    fail(
      'invalid_header',
      `The webhook-signature header is ${signature.length} characters, over the ${MAX_SIGNATURE_HEADER_LENGTH} allowed; it is not a delivery from Anthropic.`,
    );
  }
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

type RawHeaders = Record<HeaderName, HeaderValue>;

function readRaw(headers: HeadersInput): RawHeaders {
  // fetch Headers (and look-alikes such as undici's) match case-insensitively already.
  if (typeof (headers as { get?: unknown }).get === 'function' && !(headers instanceof Map)) {
    const h = headers as { get(name: string): string | null };
    return {
      'webhook-id': h.get('webhook-id'),
      'webhook-timestamp': h.get('webhook-timestamp'),
      'webhook-signature': h.get('webhook-signature'),
    };
  }
  if (headers instanceof Map || Symbol.iterator in headers) {
    return fromPairs(headers as Iterable<readonly [string, HeaderValue]>);
  }
  const record = headers as Readonly<Record<string, HeaderValue>>;
  // Node lower-cases names, so direct hits are the common case; otherwise scan every name.
  const direct: RawHeaders = {
    'webhook-id': own(record, 'webhook-id'),
    'webhook-timestamp': own(record, 'webhook-timestamp'),
    'webhook-signature': own(record, 'webhook-signature'),
  };
  const complete =
    direct['webhook-id'] !== undefined &&
    direct['webhook-timestamp'] !== undefined &&
    direct['webhook-signature'] !== undefined;
  return complete ? direct : fromPairs(Object.entries(record));
}

/** One pass over the pairs, so a one-shot iterable works; repeated names are all kept. */
function fromPairs(pairs: Iterable<readonly [string, HeaderValue]>): RawHeaders {
  const found: RawHeaders = {
    'webhook-id': undefined,
    'webhook-timestamp': undefined,
    'webhook-signature': undefined,
  };
  for (const pair of pairs) {
    // Index rather than destructure: a malformed entry is skipped, not a TypeError.
    if (typeof pair !== 'object' || pair === null) continue;
    const key = pair[0];
    const value = pair[1];
    if (typeof key !== 'string' || value == null) continue;
    const name = key.toLowerCase();
    if (name !== 'webhook-id' && name !== 'webhook-timestamp' && name !== 'webhook-signature') continue;
    const seen = found[name];
    found[name] = seen == null ? value : [...asList(seen), ...asList(value)];
  }
  return found;
}

function own(record: Readonly<Record<string, HeaderValue>>, name: HeaderName): HeaderValue {
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}

function asList(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

function single(name: HeaderName, value: HeaderValue): string {
  if (typeof value === 'string') {
    if (value === '') missing(name);
    return value;
  }
  if (!Array.isArray(value) || value.length === 0) missing(name);
  if (value.length > 1) {
    fail('invalid_header', `The ${name} header was sent ${value.length} times; a delivery carries exactly one.`);
  }
  return single(name, value[0]);
}

/** Several signature headers are as good as one with their entries space-separated. */
function joined(value: HeaderValue): string {
  if (value == null) return '';
  if (typeof value === 'string') return value;
  return Array.isArray(value) ? value.join(' ') : '';
}

function missing(name: HeaderName): never {
  return fail(
    'missing_header',
    `The ${name} header is missing or empty. Pass all of the request's headers, as they came; a proxy in front of this handler may be dropping webhook-* headers.`,
  );
}
