import type { ALBEvent, APIGatewayProxyEvent, APIGatewayProxyEventV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { generateSecret, sign, type WebhookEvent } from '../src/index.js';
import { unwrapLambdaEvent, verifyLambdaEvent, type LambdaHttpEvent } from '../src/lambda/index.js';
import restV1 from './fixtures/lambda/api-gateway-rest-v1.json' with { type: 'json' };
import httpApiV2 from './fixtures/lambda/http-api-v2.json' with { type: 'json' };
import functionUrl from './fixtures/lambda/function-url.json' with { type: 'json' };
import alb from './fixtures/lambda/alb.json' with { type: 'json' };
import albMultiValue from './fixtures/lambda/alb-multi-value.json' with { type: 'json' };
import { delivery, refusals, type Delivery } from './support/deliveries.js';
import { caught } from './support/errors.js';

const secret = generateSecret();
const MiB = 1024 * 1024;
const codeOf = (fn: () => unknown): string => caught(fn).code;

type Encoding = 'text' | 'base64';
type Shape = 'headers' | 'multiValueHeaders' | 'both';

/** A source: its documented fixture, and how it carries headers. */
interface Source {
  name: string;
  fixture: object;
  shape: Shape;
  /** v2 and Function URLs lower-case names; REST and ALB keep the sender's. */
  lowerCase: boolean;
}

const sources: Source[] = [
  { name: 'API Gateway REST (payload 1.0)', fixture: restV1, shape: 'both', lowerCase: false },
  { name: 'API Gateway HTTP API (payload 2.0)', fixture: httpApiV2, shape: 'headers', lowerCase: true },
  { name: 'Lambda Function URL', fixture: functionUrl, shape: 'headers', lowerCase: true },
  { name: 'ALB target', fixture: alb, shape: 'headers', lowerCase: false },
  { name: 'ALB target, multi-value headers', fixture: albMultiValue, shape: 'multiValueHeaders', lowerCase: false },
];

const MIXED_CASE: Record<string, string> = {
  'webhook-id': 'Webhook-Id',
  'webhook-timestamp': 'WEBHOOK-TIMESTAMP',
  'webhook-signature': 'Webhook-Signature',
  'content-type': 'Content-Type',
};

/** The fixture with `d` put in the way `source` would carry it. */
function eventFor(source: Source, d: Pick<Delivery, 'body' | 'headers'>, encoding: Encoding): LambdaHttpEvent {
  const base = structuredClone(source.fixture) as Record<string, unknown>;
  const named = Object.entries(d.headers).map(([name, value]): [string, string] => [
    source.lowerCase ? name : (MIXED_CASE[name] ?? name),
    value,
  ]);
  if (source.shape !== 'multiValueHeaders') {
    base.headers = { ...(base.headers as object), ...Object.fromEntries(named) };
  }
  if (source.shape !== 'headers') {
    base.multiValueHeaders = {
      ...(base.multiValueHeaders as object),
      ...Object.fromEntries(named.map(([name, value]) => [name, [value]])),
    };
  }
  base.body = encoding === 'base64' ? Buffer.from(d.body).toString('base64') : d.body;
  base.isBase64Encoded = encoding === 'base64';
  return base as LambdaHttpEvent;
}

describe.each(sources)('$name', (source) => {
  describe.each<Encoding>(['text', 'base64'])('body as %s', (encoding) => {
    it('verifies a valid delivery and returns the typed event', () => {
      const d = delivery(secret, { type: 'session.thread_created' });
      const event = unwrapLambdaEvent(eventFor(source, d, encoding), { secret });
      expect(event.id).toBe(d.eventId);
      expect(event.data.type).toBe('session.thread_created');
      if (event.data.type === 'session.thread_created') expect(event.data.session_thread_id).toMatch(/^sthr_/);
    });

    it('returns the exact signed bytes from verifyLambdaEvent', () => {
      const d = delivery(secret);
      const verified = verifyLambdaEvent(eventFor(source, d, encoding), { secret });
      expect(new TextDecoder().decode(verified.body)).toBe(d.body);
      expect(verified.id).toBe(d.headers['webhook-id']);
    });

    it.each(refusals)('refuses $name with $code', ({ code, make }) => {
      expect(codeOf(() => unwrapLambdaEvent(eventFor(source, make(secret), encoding), { secret }))).toBe(code);
    });

    it('accepts exactly 1 MiB and refuses one byte more with body_too_large (413)', () => {
      const fits = eventFor(source, delivery(secret, { padTo: MiB }), encoding);
      expect(unwrapLambdaEvent(fits, { secret }).type).toBe('event');
      const over = eventFor(source, delivery(secret, { padTo: MiB + 1 }), encoding);
      expect(codeOf(() => unwrapLambdaEvent(over, { secret }))).toBe('body_too_large');
      expect(() => verifyLambdaEvent(over, { secret })).toThrow(expect.objectContaining({ status: 413 }));
      expect(unwrapLambdaEvent(over, { secret, maxBodyBytes: MiB + 1 }).type).toBe('event');
    });
  });

  it('refuses an event with no body with invalid_body', () => {
    const event = { ...eventFor(source, delivery(secret), 'text'), body: null };
    expect(codeOf(() => unwrapLambdaEvent(event, { secret }))).toBe('invalid_body');
    const { body: _dropped, ...noKey } = event;
    expect(codeOf(() => verifyLambdaEvent(noKey, { secret }))).toBe('invalid_body');
  });
});

describe('bytes: base64 bodies decode to exactly the bytes that were signed', () => {
  it('verifies a body that is not valid UTF-8, and returns it unchanged', () => {
    const bytes = Uint8Array.from([0xff, 0xfe, 0x00, 0x80, 0x7b, 0xc3, 0x28, 0x0a]);
    const headers = sign({ id: 'msg_binary', timestamp: new Date(), body: bytes, secret });
    const event = { headers, body: Buffer.from(bytes).toString('base64'), isBase64Encoded: true };
    expect(verifyLambdaEvent(event, { secret }).body).toEqual(bytes);
  });

  it('verifies a UTF-8 body with multi-byte characters in both encodings', () => {
    const body = JSON.stringify({ type: 'event', note: 'naïve — 日本語 🎉' });
    const headers = sign({ id: 'msg_utf8', timestamp: new Date(), body, secret });
    expect(verifyLambdaEvent({ headers, body, isBase64Encoded: false }, { secret }).body).toEqual(
      new TextEncoder().encode(body),
    );
    const base64 = Buffer.from(body).toString('base64');
    expect(verifyLambdaEvent({ headers, body: base64, isBase64Encoded: true }, { secret }).body).toEqual(
      new TextEncoder().encode(body),
    );
  });

  it('refuses a tampered base64 body, one changed character in the encoding', () => {
    const d = delivery(secret);
    const event = eventFor(sources[1] as Source, d, 'base64');
    const body = event.body as string;
    const flipped = body.slice(0, 10) + (body[10] === 'A' ? 'B' : 'A') + body.slice(11);
    expect(codeOf(() => unwrapLambdaEvent({ ...event, body: flipped }, { secret }))).toBe('invalid_signature');
  });

  it('refuses a flagged body that is not base64 with invalid_body naming isBase64Encoded', () => {
    const d = delivery(secret);
    const event = { ...eventFor(sources[1] as Source, d, 'text'), isBase64Encoded: true };
    expect(() => unwrapLambdaEvent(event, { secret })).toThrow(
      /isBase64Encoded is true but the body is not valid base64/,
    );
    expect(codeOf(() => unwrapLambdaEvent(event, { secret }))).toBe('invalid_body');
  });
});

describe('the isBase64Encoded pitfall: a signature failure says when the flag and the body disagree', () => {
  const hint = 'the body looks base64-encoded; check isBase64Encoded';

  it('a base64 body not flagged as such', () => {
    const event = { ...eventFor(sources[1] as Source, delivery(secret), 'base64'), isBase64Encoded: false };
    expect(codeOf(() => unwrapLambdaEvent(event, { secret }))).toBe('invalid_signature');
    expect(() => unwrapLambdaEvent(event, { secret })).toThrow(hint);
    expect(() => verifyLambdaEvent(event, { secret })).toThrow(hint);
  });

  it('a body encoded twice and flagged once', () => {
    const event = eventFor(sources[2] as Source, delivery(secret), 'base64');
    const twice = { ...event, body: Buffer.from(event.body as string).toString('base64') };
    expect(() => unwrapLambdaEvent(twice, { secret })).toThrow(hint);
  });

  it('no hint on an ordinary tampered JSON body, nor on other failures', () => {
    const tampered = refusals[0]?.make(secret) as Delivery;
    expect(() => unwrapLambdaEvent(eventFor(sources[0] as Source, tampered, 'text'), { secret })).not.toThrow(hint);
    expect(() => unwrapLambdaEvent(eventFor(sources[0] as Source, tampered, 'base64'), { secret })).not.toThrow(hint);
    const stale = delivery(secret, { signedAt: new Date(Date.now() - 3_600_000) });
    const flagless = { ...eventFor(sources[1] as Source, stale, 'base64'), isBase64Encoded: false };
    expect(codeOf(() => unwrapLambdaEvent(flagless, { secret }))).toBe('timestamp_too_old');
  });
});

describe('header shapes', () => {
  it('REST v1 with headers null and only multiValueHeaders', () => {
    const event = { ...eventFor(sources[0] as Source, delivery(secret), 'text'), headers: null };
    expect(unwrapLambdaEvent(event, { secret }).type).toBe('event');
  });

  it('REST v1 with multiValueHeaders null and only headers', () => {
    const event = { ...eventFor(sources[0] as Source, delivery(secret), 'text'), multiValueHeaders: null };
    expect(unwrapLambdaEvent(event, { secret }).type).toBe('event');
  });

  it('REST v1 with both null refuses with missing_header', () => {
    const event = {
      ...eventFor(sources[0] as Source, delivery(secret), 'text'),
      headers: null,
      multiValueHeaders: null,
    };
    expect(codeOf(() => unwrapLambdaEvent(event, { secret }))).toBe('missing_header');
  });

  it('a name in both headers and multiValueHeaders, in different cases, counts once', () => {
    const d = delivery(secret);
    const event = {
      headers: { 'Webhook-Id': d.headers['webhook-id'], 'webhook-timestamp': d.headers['webhook-timestamp'] },
      multiValueHeaders: {
        'webhook-id': [d.headers['webhook-id'] as string],
        'Webhook-Timestamp': [d.headers['webhook-timestamp'] as string],
        'WEBHOOK-SIGNATURE': [d.headers['webhook-signature'] as string],
      },
      body: d.body,
      isBase64Encoded: false,
    };
    expect(unwrapLambdaEvent(event, { secret }).id).toBe(d.eventId);
  });

  it('two signature headers: comma-joined in v2, separate values in multiValueHeaders', () => {
    const d = delivery(secret);
    const wrong = sign({
      id: d.headers['webhook-id'] as string,
      timestamp: new Date(),
      body: d.body,
      secret: generateSecret(),
    });
    const signatures = [wrong['webhook-signature'], d.headers['webhook-signature'] as string];
    const v2 = { headers: { ...d.headers, 'webhook-signature': signatures.join(',') }, body: d.body };
    expect(unwrapLambdaEvent(v2, { secret }).id).toBe(d.eventId);
    const reversed = {
      headers: { ...d.headers, 'webhook-signature': [...signatures].reverse().join(', ') },
      body: d.body,
    };
    expect(unwrapLambdaEvent(reversed, { secret }).id).toBe(d.eventId);
    const multi = { multiValueHeaders: { ...toMulti(d.headers), 'Webhook-Signature': signatures }, body: d.body };
    expect(unwrapLambdaEvent(multi, { secret }).id).toBe(d.eventId);
    const onlyWrong = {
      headers: { ...d.headers, 'webhook-signature': `${signatures[0]},${signatures[0]}` },
      body: d.body,
    };
    expect(codeOf(() => unwrapLambdaEvent(onlyWrong, { secret }))).toBe('invalid_signature');
  });

  it('a webhook-id sent twice in multiValueHeaders is refused with invalid_header', () => {
    const d = delivery(secret);
    const id = d.headers['webhook-id'] as string;
    const event = { multiValueHeaders: { ...toMulti(d.headers), 'webhook-id': [id, id] }, body: d.body };
    expect(codeOf(() => unwrapLambdaEvent(event, { secret }))).toBe('invalid_header');
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('missing %s in every shape', (name) => {
    for (const source of sources) {
      const d = delivery(secret);
      const { [name]: _dropped, ...headers } = d.headers;
      expect(codeOf(() => unwrapLambdaEvent(eventFor(source, { body: d.body, headers }, 'text'), { secret }))).toBe(
        'missing_header',
      );
    }
  });
});

describe('options and inputs', () => {
  it('passes the core options through: tolerance, clock, rotation', () => {
    const old = delivery(secret, { signedAt: new Date(Date.now() - 3_600_000) });
    const event = eventFor(sources[1] as Source, old, 'text');
    expect(codeOf(() => unwrapLambdaEvent(event, { secret }))).toBe('timestamp_too_old');
    expect(unwrapLambdaEvent(event, { secret, toleranceSeconds: Infinity }).id).toBe(old.eventId);
    expect(unwrapLambdaEvent(event, { secret, now: Date.now() - 3_600_000 }).id).toBe(old.eventId);
    expect(codeOf(() => unwrapLambdaEvent(event, { secret: generateSecret(), toleranceSeconds: Infinity }))).toBe(
      'invalid_signature',
    );
    expect(unwrapLambdaEvent(event, { secret: [generateSecret(), secret], toleranceSeconds: Infinity }).id).toBe(
      old.eventId,
    );
  });

  it('refuses a bad maxBodyBytes with invalid_options (500)', () => {
    const event = eventFor(sources[1] as Source, delivery(secret), 'text');
    expect(codeOf(() => unwrapLambdaEvent(event, { secret, maxBodyBytes: -1 }))).toBe('invalid_options');
    expect(codeOf(() => unwrapLambdaEvent(event, { secret, maxBodyBytes: Number.NaN }))).toBe('invalid_options');
  });

  it('refuses something that is not an event object with invalid_body', () => {
    expect(codeOf(() => unwrapLambdaEvent(null as unknown as LambdaHttpEvent, { secret }))).toBe('invalid_body');
    expect(codeOf(() => verifyLambdaEvent('{}' as unknown as LambdaHttpEvent, { secret }))).toBe('invalid_body');
  });

  it('a multi-byte text body is measured in UTF-8 bytes, not characters', () => {
    const body = 'é'.repeat(600); // 600 characters, 1200 bytes
    const headers = sign({ id: 'msg_len', timestamp: new Date(), body, secret });
    expect(verifyLambdaEvent({ headers, body }, { secret, maxBodyBytes: 1200 }).body.length).toBe(1200);
    expect(codeOf(() => verifyLambdaEvent({ headers, body }, { secret, maxBodyBytes: 1199 }))).toBe('body_too_large');
  });
});

describe('types', () => {
  it('takes the @types/aws-lambda events and a structural type of your own', () => {
    expectTypeOf<APIGatewayProxyEvent>().toExtend<LambdaHttpEvent>();
    expectTypeOf<APIGatewayProxyEventV2>().toExtend<LambdaHttpEvent>();
    expectTypeOf<LambdaFunctionURLEvent>().toExtend<LambdaHttpEvent>();
    expectTypeOf<ALBEvent>().toExtend<LambdaHttpEvent>();
    interface MyEvent {
      headers: Record<string, string>;
      body: string;
      isBase64Encoded: boolean;
      requestContext: { requestId: string };
    }
    expectTypeOf<MyEvent>().toExtend<LambdaHttpEvent>();
    expectTypeOf(unwrapLambdaEvent).returns.toEqualTypeOf<WebhookEvent>();
    expectTypeOf(verifyLambdaEvent).returns.toHaveProperty('body').toEqualTypeOf<Uint8Array>();
  });
});

function toMulti(headers: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
}
