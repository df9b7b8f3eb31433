// The signature and event vectors and the sign/verify properties, registered for one MAC path.
// test/hmac-pure-vectors-properties.test.ts and test/hmac-native-vectors-properties.test.ts call
// it, one path each: vitest gives every test file its own copy of the modules, so each file
// settles its copy's path before the first MAC and keeps it to the end.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as hmac from '../../src/core/hmac.js';
import { EVENT_TYPES, sign, unwrap, verify, WebhookVerificationError } from '../../src/index.js';
import { caught } from './errors.js';
import { settleHmacPath, type HmacPath } from './hmac-path.js';
import { envelopeCases, eventCases, signatureCases, vectorBody, vectorOptions } from './vectors.js';

const RUNS = 1000;
const NOW_S = 1_795_000_000;

/** Registers every vector and property test with each MAC computed on `path`. */
export function vectorsAndProperties(path: HmacPath): void {
  let nativeMacs: () => number = () => 0;
  beforeAll(() => {
    nativeMacs = settleHmacPath(hmac, path);
  });
  afterAll(() => {
    // The path held to the end: node:crypto computed the MACs on `native`, none on `pure`.
    if (path === 'native') expect(nativeMacs()).toBeGreaterThan(RUNS);
    else expect(nativeMacs()).toBe(0);
  });

  describe(`vectors/signatures.json through verify (${path} MAC)`, () => {
    it.each(signatureCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const run = (): ReturnType<typeof verify> => verify(vectorBody(c.body), c.headers, vectorOptions(c));
      if (c.expect === 'ok') {
        const delivery = run();
        expect(delivery.id).toBe(c.headers['webhook-id']);
        expect(delivery.timestamp).toBe(Number(c.headers['webhook-timestamp']));
      } else {
        expect(caught(run).code).toBe(c.expect);
      }
    });

    it('covers the upstream Standard Webhooks vectors', () => {
      const upstream = signatureCases.filter((c) => c.name.startsWith('upstream:'));
      expect(upstream).toHaveLength(5);
      expect(upstream.every((c) => c.expect === 'ok')).toBe(true);
    });
  });

  describe(`vectors/events.json through unwrap (${path} MAC)`, () => {
    it('has one signed envelope per known event type', () => {
      expect(eventCases.map((c) => c.name).sort()).toEqual([...EVENT_TYPES].sort());
    });

    it.each(eventCases.map((c) => [c.name, c] as const))('%s unwraps to its event', (_name, c) => {
      const event = unwrap(vectorBody(c.body), c.headers, vectorOptions(c));
      expect(event).toEqual(c.event);
      expect(event.data.type).toBe(c.name);
    });

    it.each(envelopeCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const body = vectorBody(c.body);
      const run = (): unknown => unwrap(body, c.headers, vectorOptions(c));
      if (c.expect === 'ok')
        expect(run()).toEqual(JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body)));
      else expect(caught(run).code).toBe(c.expect);
      // Every envelope case has a valid signature, so verify alone accepts it.
      expect(verify(body, c.headers, vectorOptions(c)).body).toBeInstanceOf(Uint8Array);
    });
  });

  describe(`properties (${path} MAC)`, () => {
    const options = (secret: Uint8Array): { secret: Uint8Array; now: number } => ({ secret, now: NOW_S * 1000 });
    const key = fc.uint8Array({ minLength: 16, maxLength: 80 });
    const id = fc.stringMatching(/^[A-Za-z0-9_\-:]{1,64}$/);
    const timestamp = fc.integer({ min: NOW_S - 300, max: NOW_S + 300 });
    const body = fc.uint8Array({ maxLength: 2048 });

    it('sign → verify round-trips for any key, id, timestamp within tolerance, and body', () => {
      fc.assert(
        fc.property(key, id, timestamp, body, (secret, msgId, ts, payload) => {
          const headers = sign({ id: msgId, timestamp: ts, body: payload, secret });
          const delivery = verify(payload, headers, options(secret));
          expect(delivery).toEqual({ id: msgId, timestamp: ts, body: payload });
        }),
        { numRuns: RUNS },
      );
    });
    it('any single-byte change to the body is rejected', () => {
      fc.assert(
        fc.property(
          key,
          id,
          body.filter((b) => b.length > 0),
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          (secret, msgId, payload, at, flip) => {
            const headers = sign({ id: msgId, timestamp: NOW_S, body: payload, secret });
            const tampered = payload.slice();
            const i = at % tampered.length;
            tampered[i] = (tampered[i] as number) ^ flip;
            expect(() => verify(tampered, headers, options(secret))).toThrow(
              expect.objectContaining({ code: 'invalid_signature' }),
            );
          },
        ),
        { numRuns: RUNS },
      );
    });

    it('any single-character change to the id, timestamp or signature is rejected', () => {
      const field = fc.constantFrom('webhook-id' as const, 'webhook-timestamp' as const, 'webhook-signature' as const);
      fc.assert(
        fc.property(
          key,
          id,
          body,
          field,
          fc.nat(),
          fc.integer({ min: 1, max: 127 }),
          (secret, msgId, payload, name, at, flip) => {
            const headers = sign({ id: msgId, timestamp: NOW_S, body: payload, secret });
            const value = headers[name];
            const i = name === 'webhook-signature' ? 3 + (at % (value.length - 3)) : at % value.length;
            const changed = value.slice(0, i) + String.fromCharCode(value.charCodeAt(i) ^ flip) + value.slice(i + 1);
            fc.pre(changed !== value);
            const run = (): unknown => verify(payload, { ...headers, [name]: changed }, options(secret));
            expect(run).toThrow(WebhookVerificationError);
          },
        ),
        { numRuns: RUNS },
      );
    });

    it('arbitrary junk headers and bodies only ever throw WebhookVerificationError', () => {
      const junkValue = fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.constant(undefined));
      const junkHeaders = fc.oneof(
        fc.dictionary(fc.constantFrom('webhook-id', 'Webhook-Timestamp', 'webhook-signature', 'x'), junkValue),
        fc.record({
          'webhook-id': fc.string(),
          'webhook-timestamp': fc.oneof(fc.string(), fc.integer({ min: 0, max: 2 * NOW_S }).map(String)),
          'webhook-signature': fc.oneof(
            fc.string(),
            fc.base64String().map((s) => `v1,${s}`),
          ),
        }),
        fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 5 }),
        fc.anything(),
      );
      const junkBody = fc.oneof(fc.string(), fc.uint8Array(), fc.json(), fc.anything());
      fc.assert(
        fc.property(junkHeaders, junkBody, key, (headers, payload, secret) => {
          try {
            unwrap(payload as never, headers as never, options(secret));
          } catch (error) {
            expect(error).toBeInstanceOf(WebhookVerificationError);
          }
        }),
        { numRuns: RUNS },
      );
    });

    it('a signed junk body unwraps or fails only with invalid_json / invalid_event', () => {
      fc.assert(
        fc.property(key, fc.oneof(fc.json(), fc.string(), fc.uint8Array()), (secret, payload) => {
          const headers = sign({ id: 'msg_1', timestamp: NOW_S, body: payload, secret });
          try {
            expect(unwrap(payload, headers, options(secret)).type).toBe('event');
          } catch (error) {
            expect((error as WebhookVerificationError).code).toMatch(/^invalid_(json|event)$/);
          }
        }),
        { numRuns: RUNS },
      );
    });
  });
}
