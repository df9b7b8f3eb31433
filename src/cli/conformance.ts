import { createSampleEvent, generateSecret, sign, type WebhookEventType, type WebhookHeaders } from '../index.js';

/** Whether a conforming handler accepts (2xx) or refuses (4xx/5xx) a delivery. */
export type Expectation = 'accept' | 'reject' | 'duplicate';

/** One delivery to send, and what a conforming handler must do with it. */
export interface Delivery {
  type: string;
  kind: string;
  expect: Expectation;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer>;
}

const encoder = new TextEncoder();
const STALE_SECONDS = 600;

/** The valid delivery of a body, and with `attacks`, everything a handler must refuse or dedupe. */
export function deliveriesFor(
  type: string,
  body: Uint8Array<ArrayBuffer>,
  secret: string,
  attacks: boolean,
  nowS: number,
): Delivery[] {
  const id = `msg_${crypto.randomUUID().replaceAll('-', '')}`;
  const signed = (over: Partial<{ secret: string; timestamp: number }> = {}): WebhookHeaders =>
    sign({ id, timestamp: over.timestamp ?? nowS, body, secret: over.secret ?? secret });
  const valid: Delivery = { type, kind: 'valid', expect: 'accept', headers: signed(), body };
  if (!attacks) return [valid];

  const { 'webhook-signature': _dropped, ...unsigned } = signed();
  return [
    valid,
    { type, kind: 'tampered body', expect: 'reject', headers: signed(), body: tamper(body) },
    { type, kind: 'wrong secret', expect: 'reject', headers: signed({ secret: generateSecret() }), body },
    { type, kind: 'stale timestamp', expect: 'reject', headers: signed({ timestamp: nowS - STALE_SECONDS }), body },
    { type, kind: 'future timestamp', expect: 'reject', headers: signed({ timestamp: nowS + STALE_SECONDS }), body },
    { type, kind: 'missing signature', expect: 'reject', headers: unsigned, body },
    // A retry carries the same webhook-id and event, freshly signed: accept it, process it once.
    { type, kind: 'duplicate re-delivery', expect: 'duplicate', headers: signed({ timestamp: nowS + 1 }), body },
  ];
}

/** A sample event of each type as a body. */
export function sampleBody(type: WebhookEventType): Uint8Array<ArrayBuffer> {
  return encoder.encode(JSON.stringify(createSampleEvent(type)));
}

/** Changes one byte in the middle, the way an attacker or a broken proxy would. */
function tamper(body: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const copy = body.slice();
  if (copy.length === 0) return encoder.encode(' ');
  const i = copy.length >> 1;
  copy[i] = (copy[i] as number) ^ 0x01;
  return copy;
}
