// A corpus of malformed (and, beside them, valid) inputs across bodies, headers, options, secrets,
// envelopes and sign(). Shared by test/malformed-corpus.test.ts (against src/) and bench/hostile.ts
// (against the built package), so it imports the library only as types and takes it as a value.
import type * as Library from '../../src/index.js';
import type { WebhookErrorCode } from '../../src/index.js';

export type CorpusLibrary = Pick<
  typeof Library,
  'verify' | 'unwrap' | 'sign' | 'generateSecret' | 'isWebhookVerificationError'
>;

/**
 * `valid`: must return. `refused`: must throw a WebhookVerificationError of `code`.
 * `own-throw`: the caller's own code throws `own`; that error may propagate, or ours may.
 */
export type CorpusCase = { group: string; name: string; run(): unknown } & (
  { expect: 'valid' } | { expect: 'refused'; code: WebhookErrorCode } | { expect: 'own-throw'; own: unknown }
);

const STAMP = 1_700_000_000;
const ID = 'msg_2yFDs1ZqJxLQkR5mNcW8vTbA3hE';
const NAMES = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;
type Name = (typeof NAMES)[number];

const envelope = JSON.stringify({
  type: 'event',
  id: 'evt_01KBZ4TD1Y6CJM1Q8YYQ3ZJ3JQZ8N5KJ3',
  created_at: '2026-11-22T10:15:42.417Z',
  data: { type: 'session.status_idled', id: 'sesn_011CVtbRfGBcKm3QuWn9zV7a', organization_id: 'org_1' },
});

/** Nested `depth` single-element arrays around `value`, built iteratively. */
function nested(value: unknown, depth: number): unknown {
  let out = value;
  for (let i = 0; i < depth; i++) out = [out];
  return out;
}

/** A view made first, then its buffer detached under it (a view cannot be made over a detached one). */
function detachedView<T extends ArrayBufferView>(view: T): T {
  structuredClone(view.buffer, { transfer: [view.buffer as ArrayBuffer] });
  return view;
}

function detachedBuffer(bytes: number): ArrayBuffer {
  const buffer = new ArrayBuffer(bytes);
  structuredClone(buffer, { transfer: [buffer] });
  return buffer;
}

/** A header value a sender or a framework might hand over, and how it counts. */
interface Variant {
  name: string;
  value: unknown;
  /** absent: nothing (a repeat of it is harmless); text: strings within the caps; bad: anything else. */
  kind: 'absent' | 'text' | 'bad';
  /** The refusal when the variant stands alone in place of each header. */
  refusal: Record<Name, WebhookErrorCode>;
}

/** The same refusal whichever header the variant stands in for. */
const each = (code: WebhookErrorCode): Record<Name, WebhookErrorCode> => ({
  'webhook-id': code,
  'webhook-timestamp': code,
  'webhook-signature': code,
});
/** In place of the id or the signature it is signed over; in place of the timestamp, unreadable. */
const wrongText = {
  'webhook-id': 'invalid_signature',
  'webhook-timestamp': 'invalid_timestamp',
  'webhook-signature': 'invalid_signature',
} as const;
/** An id that cannot be one; a timestamp that is not one; a signature list with no match. */
const notAnId = { ...wrongText, 'webhook-id': 'invalid_header' } as const;
/** An id or timestamp sent twice; signatures beside each other, none matching. */
const twoValues = {
  'webhook-id': 'invalid_header',
  'webhook-timestamp': 'invalid_header',
  'webhook-signature': 'invalid_signature',
} as const;

function variants(): Variant[] {
  const absent: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['an empty array', []],
  ];
  const text: Array<[string, unknown, Record<Name, WebhookErrorCode>]> = [
    ['an empty string', '', each('missing_header')],
    ['"x"', 'x', wrongText],
    ['"v1,garbage"', 'v1,garbage', wrongText],
    ['["a", "b"]', ['a', 'b'], twoValues],
    ['a space', ' ', notAnId],
    ['"a.b"', 'a.b', notAnId],
    // An id may be any text but "." and whitespace: it is signed over.
    ['"é"', '\u00e9', wrongText],
    ['a well-formed decoy signature', `v1,${'A'.repeat(43)}=`, wrongText],
    ['10 strings', Array.from({ length: 10 }, () => 'v1,x'), twoValues],
    ['a lone surrogate', '\ud800', wrongText],
  ];
  const bad: Array<[string, unknown]> = [
    ['5', 5],
    ['0', 0],
    ['true', true],
    ['{}', {}],
    ['new String("x")', new String('x')],
    ['a function', () => 'x'],
    ['a Symbol', Symbol('s')],
    ['[Symbol]', [Symbol('s')]],
    ['[5]', [5]],
    ['[null]', [null]],
    ['[["x"]]', [['x']]],
    ['100,000 nested arrays', nested('x', 100_000)],
    ['a BigInt', 10n],
    ['a Map', new Map([['a', 'b']])],
    ['a Uint8Array', new Uint8Array(2)],
    ['20,000 characters', 'x'.repeat(20_000)],
    ['65 strings', Array.from({ length: 65 }, () => 'x')],
    ['a sparse array of a million', new Array(1_000_000)],
    ['an object without a prototype', Object.create(null)],
    ['an object with toString', { toString: () => 'x' }],
    ['a Date', new Date(0)],
  ];
  return [
    ...absent.map(([name, value]) => ({ name, value, kind: 'absent' as const, refusal: each('missing_header') })),
    ...text.map(([name, value, refusal]) => ({ name, value, kind: 'text' as const, refusal })),
    ...bad.map(([name, value]) => ({ name, value, kind: 'bad' as const, refusal: each('invalid_header') })),
  ];
}

const cased = (name: string): string =>
  name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());

/** Every case, built once per call; `lib` is the package under test. */
export function buildCorpus(lib: CorpusLibrary): CorpusCase[] {
  const secret = lib.generateSecret();
  const other = lib.generateSecret();
  const headers = lib.sign({ id: ID, timestamp: STAMP, body: envelope, secret });
  const good: Record<Name, string> = headers;
  const options = { secret, now: STAMP * 1000 };
  const bytes = new TextEncoder().encode(envelope);
  const cases: CorpusCase[] = [];
  const add = (c: CorpusCase): void => void cases.push(c);

  // --- Bodies: each as verify() and unwrap() see it.
  const goodBodies: Array<[string, () => unknown]> = [
    ['a string', () => envelope],
    ['a Uint8Array', () => bytes],
    ['a Buffer-like subarray at an offset', () => new Uint8Array([0x20, ...bytes, 0x20]).subarray(1, bytes.length + 1)],
    ['an ArrayBuffer', () => bytes.slice().buffer],
    ['a DataView', () => new DataView(bytes.slice().buffer)],
    ['an ArrayBuffer sliced from a larger one', () => new Uint8Array([...bytes, 1, 2]).buffer.slice(0, bytes.length)],
  ];
  const badBodies: Array<[string, () => unknown, WebhookErrorCode]> = [
    ['null', () => null, 'invalid_body'],
    ['undefined', () => undefined, 'invalid_body'],
    ['a number', () => 123, 'invalid_body'],
    ['true', () => true, 'invalid_body'],
    ['a parsed object', () => JSON.parse(envelope), 'invalid_body'],
    ['an array', () => [...bytes], 'invalid_body'],
    ['a Symbol', () => Symbol('body'), 'invalid_body'],
    ['a function', () => () => envelope, 'invalid_body'],
    ['a BigInt', () => 1n, 'invalid_body'],
    ['a Date', () => new Date(), 'invalid_body'],
    ['a Map', () => new Map(), 'invalid_body'],
    ['new String(body)', () => new String(envelope), 'invalid_body'],
    ['a detached ArrayBuffer', () => detachedBuffer(bytes.length), 'invalid_body'],
    ['a Uint8Array over a detached buffer', () => detachedView(new Uint8Array(8)), 'invalid_body'],
    ['a DataView over a detached buffer', () => detachedView(new DataView(new ArrayBuffer(8))), 'invalid_body'],
    ['a Proxy around a Uint8Array', () => new Proxy(bytes, {}), 'invalid_body'],
    [
      'an object that looks like a Uint8Array',
      () => Object.setPrototypeOf({ length: 3 }, Uint8Array.prototype),
      'invalid_body',
    ],
    ['a Blob', () => new Blob([envelope]), 'invalid_body'],
    ['a SharedArrayBuffer', () => new SharedArrayBuffer(8), 'invalid_body'],
    ['a tampered string', () => envelope.replace('idled', 'IDLED'), 'invalid_signature'],
    ['an empty string', () => '', 'invalid_signature'],
    ['an Int32Array of other bytes', () => new Int32Array([1, 2, 3]), 'invalid_signature'],
    ['the body with a trailing newline', () => `${envelope}\n`, 'invalid_signature'],
    ['the body re-serialized with spaces', () => JSON.stringify(JSON.parse(envelope), null, 1), 'invalid_signature'],
  ];
  for (const [fn, call] of [
    ['verify', lib.verify],
    ['unwrap', lib.unwrap],
  ] as const) {
    for (const [name, body] of goodBodies) {
      add({
        group: 'body',
        name: `${fn}: ${name}`,
        expect: 'valid',
        run: () => call(body() as never, headers, options),
      });
    }
    for (const [name, body, code] of badBodies) {
      add({
        group: 'body',
        name: `${fn}: ${name}`,
        expect: 'refused',
        code,
        run: () => call(body() as never, headers, options),
      });
    }
  }

  // --- Headers: every variant in place of each of the three, in every shape frameworks use.
  const singleShapes: Array<[string, (name: Name, value: unknown) => unknown]> = [
    ['a record', (name, value) => ({ ...good, [name]: value })],
    [
      'a record with a mixed-case name',
      (name, value) => {
        const record: Record<string, unknown> = { ...good };
        delete record[name];
        record[cased(name)] = value;
        return record;
      },
    ],
    ['a Map', (name, value) => new Map(NAMES.map((n) => [n, n === name ? value : good[n]]))],
    ['pairs', (name, value) => NAMES.map((n) => [n, n === name ? value : good[n]])],
    [
      'a Headers look-alike',
      (name, value) => ({ get: (n: string) => (n === name ? value : (good[n as Name] ?? null)), forEach() {} }),
    ],
  ];
  const repeatedShapes: Array<[string, (name: Name, value: unknown) => unknown]> = [
    [
      'a record with two case variants',
      (name, value) => {
        const record: Record<string, unknown> = { ...good };
        delete record[name];
        record[cased(name)] = good[name];
        record[name.toUpperCase()] = value;
        return record;
      },
    ],
    [
      'a Map with a repeat',
      (name, value) =>
        new Map<string, unknown>([...NAMES.map((n) => [n, good[n]] as const), [name.toUpperCase(), value]]),
    ],
    ['pairs with a repeat', (name, value) => [...NAMES.map((n) => [n, good[n]]), [cased(name), value]]],
  ];
  for (const variant of variants()) {
    for (const name of NAMES) {
      for (const [shape, make] of singleShapes) {
        add({
          group: 'headers',
          name: `${name} as ${variant.name}, in ${shape}`,
          expect: 'refused',
          code: variant.refusal[name],
          run: () => lib.verify(envelope, make(name, variant.value) as never, options),
        });
      }
      for (const [shape, make] of repeatedShapes) {
        // A repeat of nothing changes nothing; extra signature strings sit beside the good one;
        // a second id or timestamp, or anything that is not text, is refused.
        const harmless = variant.kind === 'absent' || (variant.kind === 'text' && name === 'webhook-signature');
        const run = (): unknown => lib.verify(envelope, make(name, variant.value) as never, options);
        const caseName = `${name} repeated as ${variant.name}, in ${shape}`;
        add(
          harmless
            ? { group: 'headers', name: caseName, expect: 'valid', run }
            : { group: 'headers', name: caseName, expect: 'refused', code: 'invalid_header', run },
        );
      }
    }
  }
  const goodShapes: Array<[string, () => unknown]> = [
    ['fetch Headers', () => new Headers(good)],
    ['values as one-element arrays', () => Object.fromEntries(NAMES.map((n) => [n, [good[n]]]))],
    ['upper-case pairs', () => NAMES.map((n) => [n.toUpperCase(), good[n]])],
    [
      'a generator',
      () =>
        (function* () {
          for (const n of NAMES) yield [n, good[n]];
        })(),
    ],
    [
      'a record with unrelated and malformed extras',
      () => ({ ...good, 'x-a': 5, 'x-b': [Symbol('s')], 'x-c': nested('x', 1000) }),
    ],
    [
      'pairs with malformed entries skipped',
      () => [null, 5, 'webhook-id', [5, 'x'], ...NAMES.map((n) => [n, good[n]])],
    ],
    [
      'the signature among 63 decoys',
      () => ({
        ...good,
        'webhook-signature': [...Array.from({ length: 61 }, () => `v1,${'A'.repeat(43)}=`), good['webhook-signature']],
      }),
    ],
    [
      'a signature with a trailing comma (fetch joins with ", ")',
      () => ({ ...good, 'webhook-signature': `${good['webhook-signature']}, v1,${'B'.repeat(43)}=` }),
    ],
  ];
  for (const [name, make] of goodShapes) {
    add({ group: 'headers', name, expect: 'valid', run: () => lib.verify(envelope, make() as never, options) });
  }
  // Built once, outside run(), so timing a case times its refusal, not the making of its input;
  // only the one-shot generator is made per run.
  const pairs = Array.from({ length: 100_000 }, () => ['webhook-signature', 'v1,x']);
  const spellings = caseVariants(30_000);
  const longSignature = { ...good, 'webhook-signature': 'v'.repeat(10_000_000) };
  const longId = { ...good, 'webhook-id': 'a'.repeat(1_000_000) };
  const floods: Array<[string, () => unknown, WebhookErrorCode]> = [
    ['100,000 webhook-signature pairs', () => pairs, 'invalid_header'],
    ['30,000 case variants of webhook-signature in a record', () => spellings, 'invalid_header'],
    [
      'an endless generator of webhook-id pairs (stopped at the cap)',
      () =>
        (function* () {
          for (let i = 0; i < 10_000_000; i++) yield ['webhook-id', 'x'];
        })(),
      'invalid_header',
    ],
    ['a 10 MB webhook-signature string', () => longSignature, 'invalid_header'],
    ['a 1 MB webhook-id', () => longId, 'invalid_header'],
    [
      'an iterator whose results are not objects',
      () => ({ [Symbol.iterator]: () => ({ next: () => 5 }) }),
      'invalid_header',
    ],
    // Read as a record, where the id is absent.
    [
      'an object whose Symbol.iterator is not a function',
      () => ({ [Symbol.iterator]: 5, ...good, 'webhook-id': undefined }),
      'missing_header',
    ],
  ];
  for (const [name, make, code] of floods) {
    add({ group: 'headers', name, expect: 'refused', code, run: () => lib.verify(envelope, make() as never, options) });
  }
  for (const [name, value] of [
    ['null', null],
    ['undefined', undefined],
    ['a string', 'webhook-id: x'],
    ['a number', 5],
  ] as const) {
    add({
      group: 'headers',
      name: `headers as ${name}`,
      expect: 'refused',
      code: 'missing_header',
      run: () => lib.verify(envelope, value as never, options),
    });
  }

  // --- Timestamps and signatures with a genuine signature over what was sent.
  const signedAt = (stamp: string): Record<Name, string> => {
    const h = lib.sign({ id: ID, timestamp: STAMP, body: envelope, secret });
    return { ...h, 'webhook-timestamp': stamp };
  };
  for (const stamp of [
    '-1',
    '1e9',
    ' 1700000000',
    '0x10',
    '１２３',
    '1700000000.0',
    '9'.repeat(16),
    '+1700000000',
    '17000000001700000000',
  ]) {
    add({
      group: 'timestamp',
      name: `timestamp ${JSON.stringify(stamp)}`,
      expect: 'refused',
      code: 'invalid_timestamp',
      run: () => lib.verify(envelope, signedAt(stamp), options),
    });
  }
  for (const [name, seconds, code] of [
    ['an hour old', STAMP - 3600, 'timestamp_too_old'],
    ['an hour ahead', STAMP + 3600, 'timestamp_too_new'],
    ['at the epoch', 0, 'timestamp_too_old'],
  ] as const) {
    const h = lib.sign({ id: ID, timestamp: seconds, body: envelope, secret });
    add({ group: 'timestamp', name, expect: 'refused', code, run: () => lib.verify(envelope, h, options) });
  }
  const mac = good['webhook-signature'].slice(3);
  for (const [name, value] of [
    ['v2 scheme only', `v2,${mac}`],
    ['upper-case V1', `V1,${mac}`],
    ['one character changed', `v1,${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`],
    ['without padding', `v1,${mac.slice(0, -1)}`],
    ['a MAC one byte short', `v1,${mac.slice(4)}`],
    ['the MAC twice without a space', `v1,${mac}v1,${mac}`],
    ['only spaces', '     '],
    ['a comma only', ','],
    ['v1, with nothing after', 'v1,'],
    [
      'the MAC of another secret',
      lib.sign({ id: ID, timestamp: STAMP, body: envelope, secret: other })['webhook-signature'],
    ],
  ] as Array<[string, string]>) {
    add({
      group: 'signature',
      name,
      expect: 'refused',
      code: 'invalid_signature',
      run: () => lib.verify(envelope, { ...good, 'webhook-signature': value }, options),
    });
  }

  // --- Options and secrets.
  const badOptions: Array<[string, unknown, WebhookErrorCode]> = [
    ['null', null, 'invalid_options'],
    ['a string (the secret passed where the options go)', secret, 'invalid_options'],
    ['a number', 5, 'invalid_options'],
    // Not a secret of any form: refused as one, not taken for none.
    ['{ secret: 5 }', { secret: 5, now: options.now }, 'invalid_secret'],
    ['{ secret: [] }', { secret: [], now: options.now }, 'missing_secret'],
    ['a secret list with a hole', { secret: [other, , secret], now: options.now }, 'invalid_secret'],
    ['a secret list with a trailing hole', { secret: [secret, ,], now: options.now }, 'invalid_secret'],
    ['a secret list holding undefined', { secret: [undefined, secret], now: options.now }, 'invalid_secret'],
    ['a secret list holding a number', { secret: [secret, 5], now: options.now }, 'invalid_secret'],
    [
      'a secret list holding a Proxy around a Uint8Array',
      { secret: [new Proxy(new Uint8Array(32), {})], now: options.now },
      'invalid_secret',
    ],
    ['a secret list of a million holes', { secret: new Array(1_000_000), now: options.now }, 'invalid_secret'],
    [
      'a Proxy around a Uint8Array secret',
      { secret: new Proxy(new Uint8Array(32), {}), now: options.now },
      'invalid_secret',
    ],
    ['an 8-byte key', { secret: new Uint8Array(8), now: options.now }, 'invalid_secret'],
    ['a key over a detached buffer', { secret: detachedView(new Uint8Array(32)), now: options.now }, 'invalid_secret'],
    ['a secret with bad base64', { secret: 'whsec_!!!!', now: options.now }, 'invalid_secret'],
    ['a secret with a newline', { secret: `${secret}\n`, now: options.now }, 'invalid_secret'],
    ['an empty whsec_', { secret: 'whsec_', now: options.now }, 'invalid_secret'],
    ['toleranceSeconds -1', { ...options, toleranceSeconds: -1 }, 'invalid_options'],
    ['toleranceSeconds NaN', { ...options, toleranceSeconds: Number.NaN }, 'invalid_options'],
    ['toleranceSeconds "300"', { ...options, toleranceSeconds: '300' }, 'invalid_options'],
    ['toleranceSeconds null', { ...options, toleranceSeconds: null }, 'invalid_options'],
    ['toleranceSeconds 1e20 (past the 2,147,483 s cap)', { ...options, toleranceSeconds: 1e20 }, 'invalid_options'],
    ['now NaN', { secret, now: Number.NaN }, 'invalid_options'],
    ['now "2026"', { secret, now: '2026' }, 'invalid_options'],
    ['now an invalid Date', { secret, now: new Date(Number.NaN) }, 'invalid_options'],
    ['now a function giving a string', { secret, now: () => 'now' }, 'invalid_options'],
    ['now a function giving Infinity', { secret, now: () => Infinity }, 'invalid_options'],
    ['now a Symbol', { secret, now: Symbol('now') }, 'invalid_options'],
    ['now an object', { secret, now: {} }, 'invalid_options'],
  ];
  for (const [fn, call] of [
    ['verify', lib.verify],
    ['unwrap', lib.unwrap],
  ] as const) {
    for (const [name, value, code] of badOptions) {
      add({
        group: 'options',
        name: `${fn}: options ${name}`,
        expect: 'refused',
        code,
        run: () => call(envelope, headers, value as never),
      });
    }
    add({
      group: 'options',
      name: `${fn}: rotation, the right secret second`,
      expect: 'valid',
      run: () => call(envelope, headers, { ...options, secret: [other, secret] }),
    });
    add({
      group: 'options',
      name: `${fn}: the raw key bytes`,
      expect: 'valid',
      run: () => call(envelope, headers, { ...options, secret: keyOf(secret) }),
    });
    add({
      group: 'options',
      name: `${fn}: tolerance off`,
      expect: 'valid',
      run: () => call(envelope, headers, { ...options, toleranceSeconds: Infinity }),
    });
    add({
      group: 'options',
      name: `${fn}: a Date clock`,
      expect: 'valid',
      run: () => call(envelope, headers, { secret, now: new Date(STAMP * 1000) }),
    });
    add({
      group: 'options',
      name: `${fn}: forged, with rotation`,
      expect: 'refused',
      code: 'invalid_signature',
      run: () => call(envelope.replace('idled', 'IDLED'), headers, { ...options, secret: [other, secret] }),
    });
  }

  // --- Envelopes: validly signed bodies that are not events.
  const signedBody = (body: string | Uint8Array): { run(): unknown } => {
    const h = lib.sign({ id: ID, timestamp: STAMP, body, secret });
    return { run: () => lib.unwrap(body, h, options) };
  };
  const badEnvelopes: Array<[string, string | Uint8Array, WebhookErrorCode]> = [
    ['empty', '', 'invalid_json'],
    ['not JSON', 'hello', 'invalid_json'],
    ['truncated JSON', envelope.slice(0, -1), 'invalid_json'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), 'invalid_json'],
    ['a UTF-8 BOM before the JSON', new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]), 'invalid_json'],
    ['100,000 nested arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'invalid_event'],
    ['100,000 nested objects', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, 'invalid_event'],
    ['null', 'null', 'invalid_event'],
    ['an array', '[]', 'invalid_event'],
    ['a string', '"event"', 'invalid_event'],
    ['{}', '{}', 'invalid_event'],
    ['type other than event', envelope.replace('"type":"event"', '"type":"evnt"'), 'invalid_event'],
    ['a numeric id', envelope.replace('"id":"evt_01KBZ4TD1Y6CJM1Q8YYQ3ZJ3JQZ8N5KJ3"', '"id":1'), 'invalid_event'],
    ['no created_at', JSON.stringify({ type: 'event', id: 'e', data: { type: 't', id: 'd' } }), 'invalid_event'],
    ['data null', JSON.stringify({ type: 'event', id: 'e', created_at: 'c', data: null }), 'invalid_event'],
    ['data an array', JSON.stringify({ type: 'event', id: 'e', created_at: 'c', data: [] }), 'invalid_event'],
    [
      'data.type a number',
      JSON.stringify({ type: 'event', id: 'e', created_at: 'c', data: { type: 1, id: 'd' } }),
      'invalid_event',
    ],
    ['no data.id', JSON.stringify({ type: 'event', id: 'e', created_at: 'c', data: { type: 't' } }), 'invalid_event'],
    // Lone surrogates have no UTF-8 form: Redis and BullMQ would file distinct ids as one.
    [
      'a lone high surrogate in id',
      '{"type":"event","id":"evt_\\ud800","created_at":"c","data":{"type":"t","id":"d"}}',
      'invalid_event',
    ],
    [
      'a lone low surrogate in id',
      '{"type":"event","id":"evt_\\udfff","created_at":"c","data":{"type":"t","id":"d"}}',
      'invalid_event',
    ],
    [
      'a reversed surrogate pair in id',
      '{"type":"event","id":"\\udc00\\ud800","created_at":"c","data":{"type":"t","id":"d"}}',
      'invalid_event',
    ],
    [
      'a lone surrogate in data.id',
      '{"type":"event","id":"e","created_at":"c","data":{"type":"t","id":"sesn_\\udbff"}}',
      'invalid_event',
    ],
    [
      '__proto__ as data',
      '{"type":"event","id":"e","created_at":"c","__proto__":{"data":{"type":"t","id":"d"}}}',
      'invalid_event',
    ],
  ];
  for (const [name, body, code] of badEnvelopes) {
    add({ group: 'envelope', name, expect: 'refused', code, ...signedBody(body) });
  }
  const goodEnvelopes: Array<[string, string]> = [
    [
      'an unknown data.type',
      JSON.stringify({ type: 'event', id: 'e', created_at: 'c', data: { type: 'brand.new', id: 'd' } }),
    ],
    [
      'extra fields',
      JSON.stringify({
        type: 'event',
        id: 'e',
        created_at: 'c',
        extra: [1, { a: null }],
        data: { type: 't', id: 'd', more: 'x' },
      }),
    ],
    ['whitespace around', ` \n${envelope}\n `],
    [
      'an escaped surrogate pair in id',
      '{"type":"event","id":"evt_\\ud83d\\ude00","created_at":"c","data":{"type":"t","id":"d"}}',
    ],
    [
      'non-ASCII text',
      JSON.stringify({ type: 'event', id: 'é', created_at: '日本', data: { type: 't', id: '\u{1f600}' } }),
    ],
  ];
  for (const [name, body] of goodEnvelopes) add({ group: 'envelope', name, expect: 'valid', ...signedBody(body) });

  // --- sign(): what a test or a sender script may pass it.
  const badSigns: Array<[string, unknown, WebhookErrorCode]> = [
    ['null', null, 'invalid_options'],
    ['undefined', undefined, 'invalid_options'],
    ['a string', 'x', 'invalid_options'],
    // The secret is checked first, and {} has none that sign() can use.
    ['{}', {}, 'invalid_secret'],
    ['an empty id', { id: '', timestamp: STAMP, body: envelope, secret }, 'invalid_header'],
    ['an id with a dot', { id: 'a.b', timestamp: STAMP, body: envelope, secret }, 'invalid_header'],
    ['an id of 300 characters', { id: 'a'.repeat(300), timestamp: STAMP, body: envelope, secret }, 'invalid_header'],
    ['a numeric id', { id: 5, timestamp: STAMP, body: envelope, secret }, 'invalid_header'],
    ['timestamp -1', { id: ID, timestamp: -1, body: envelope, secret }, 'invalid_timestamp'],
    ['timestamp 1.5', { id: ID, timestamp: 1.5, body: envelope, secret }, 'invalid_timestamp'],
    ['timestamp NaN', { id: ID, timestamp: Number.NaN, body: envelope, secret }, 'invalid_timestamp'],
    ['timestamp as a string', { id: ID, timestamp: String(STAMP), body: envelope, secret }, 'invalid_timestamp'],
    ['an invalid Date', { id: ID, timestamp: new Date(Number.NaN), body: envelope, secret }, 'invalid_timestamp'],
    ['a Symbol timestamp', { id: ID, timestamp: Symbol('t'), body: envelope, secret }, 'invalid_timestamp'],
    ['a null body', { id: ID, timestamp: STAMP, body: null, secret }, 'invalid_body'],
    ['a detached body', { id: ID, timestamp: STAMP, body: detachedBuffer(4), secret }, 'invalid_body'],
    [
      'a secret list (sign takes one)',
      { id: ID, timestamp: STAMP, body: envelope, secret: [secret] },
      'invalid_secret',
    ],
    ['a short key', { id: ID, timestamp: STAMP, body: envelope, secret: new Uint8Array(4) }, 'invalid_secret'],
  ];
  for (const [name, input, code] of badSigns) {
    add({ group: 'sign', name: `sign: ${name}`, expect: 'refused', code, run: () => lib.sign(input as never) });
  }
  for (const [name, input] of [
    ['a Date', { id: ID, timestamp: new Date(STAMP * 1000), body: envelope, secret }],
    ['bytes', { id: ID, timestamp: STAMP, body: bytes, secret }],
    ['timestamp 0', { id: ID, timestamp: 0, body: '', secret }],
  ] as const) {
    add({ group: 'sign', name: `sign: ${name}`, expect: 'valid', run: () => lib.sign(input) });
  }

  // --- The caller's own code throwing: it may propagate unchanged.
  const own = new Error('thrown by the caller');
  const thrower = (): never => {
    throw own;
  };
  const owns: Array<[string, () => unknown]> = [
    [
      'a header getter',
      () =>
        lib.verify(
          envelope,
          Object.defineProperty({ ...good }, 'webhook-id', { get: thrower, enumerable: true }),
          options,
        ),
    ],
    ['a Proxy ownKeys trap', () => lib.verify(envelope, new Proxy({}, { ownKeys: thrower }), options)],
    ['an iterator', () => lib.verify(envelope, { [Symbol.iterator]: () => ({ next: thrower }) } as never, options)],
    ['a Headers get()', () => lib.verify(envelope, { get: thrower, forEach() {} }, options)],
    ['the clock', () => lib.verify(envelope, headers, { secret, now: thrower })],
    ['a secret getter', () => lib.verify(envelope, headers, Object.defineProperty({}, 'secret', { get: thrower }))],
    [
      'a body Proxy getPrototypeOf trap',
      () => lib.verify(new Proxy(bytes, { getPrototypeOf: thrower }), headers, options),
    ],
    [
      'a secret list Proxy',
      () => lib.verify(envelope, headers, { ...options, secret: new Proxy([secret], { get: thrower }) }),
    ],
  ];
  for (const [name, run] of owns)
    add({ group: 'own-throw', name: `the caller's ${name}`, expect: 'own-throw', own, run });

  return cases;
}

function caseVariants(count: number): Record<string, string> {
  const record: Record<string, string> = {};
  const name = 'webhook-signature';
  // Each index's bits choose upper or lower case per letter: 2^15 distinct spellings.
  for (let i = 0; i < count; i++) {
    let spelled = '';
    for (let j = 0, bit = 0; j < name.length; j++) {
      const c = name[j] as string;
      spelled += c === '-' ? c : (i >> bit++) & 1 ? c.toUpperCase() : c;
    }
    if (spelled !== name) record[spelled] = 'v1,x';
  }
  return record;
}

function keyOf(secret: string): Uint8Array {
  const binary = atob(secret.slice('whsec_'.length));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** What went wrong with a case's outcome, or `undefined` when it behaved as expected. */
export function misbehaviour(lib: CorpusLibrary, c: CorpusCase): string | undefined {
  let threw = false;
  let error: unknown;
  try {
    c.run();
  } catch (e) {
    threw = true;
    error = e;
  }
  if (c.expect === 'valid') return threw ? `refused a valid input: ${describe(error)}` : undefined;
  if (!threw) return 'accepted a malformed input';
  if (c.expect === 'own-throw' && error === c.own) return undefined;
  if (!lib.isWebhookVerificationError(error)) return `a foreign error escaped: ${describe(error)}`;
  if (c.expect === 'refused' && error.code !== c.code)
    return `refused with ${error.code}, expected ${c.code}: ${error.message}`;
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
