import {
  createSampleEvent,
  generateSecret,
  sign,
  type WebhookErrorCode,
  type WebhookEventType,
} from '../../src/index.js';

/** What a sender POSTs: a body and its headers. */
export interface Delivery {
  body: string;
  headers: Record<string, string>;
  /** The event's `id` (what receivers dedupe on) and its `data.id`. */
  eventId: string;
  dataId: string;
}

let sequence = 0;

/** A delivery signed with `secret` now (or at `signedAt`), of a fresh sample event. */
export function delivery(
  secret: string,
  options: { type?: WebhookEventType; signedAt?: Date; eventId?: string; padTo?: number } = {},
): Delivery {
  const event = createSampleEvent(
    options.type ?? 'session.status_idled',
    options.eventId === undefined ? {} : { id: options.eventId },
  );
  let body = JSON.stringify(event);
  // Trailing spaces keep the JSON valid, so only the size can make it fail.
  if (options.padTo !== undefined) body = body.padEnd(options.padTo, ' ');
  const headers = sign({ id: `msg_${++sequence}`, timestamp: options.signedAt ?? new Date(), body, secret });
  return {
    body,
    headers: { 'content-type': 'application/json', ...headers },
    eventId: event.id,
    dataId: event.data.id,
  };
}

/** Deliveries every receiver must refuse, with the code it must answer. */
export const refusals: ReadonlyArray<{ name: string; code: WebhookErrorCode; make(secret: string): Delivery }> = [
  {
    name: 'a tampered body',
    code: 'invalid_signature',
    make(secret) {
      const d = delivery(secret);
      return { ...d, body: d.body.replace('"session.status_idled"', '"session.status_terminated"') };
    },
  },
  { name: 'a wrong secret', code: 'invalid_signature', make: () => delivery(generateSecret()) },
  {
    name: 'a stale timestamp',
    code: 'timestamp_too_old',
    make: (secret) => delivery(secret, { signedAt: new Date(Date.now() - 10 * 60_000) }),
  },
  {
    name: 'a timestamp in the future',
    code: 'timestamp_too_new',
    make: (secret) => delivery(secret, { signedAt: new Date(Date.now() + 10 * 60_000) }),
  },
  {
    name: 'a missing webhook-signature header',
    code: 'missing_header',
    make(secret) {
      const d = delivery(secret);
      const { 'webhook-signature': _dropped, ...headers } = d.headers;
      return { ...d, headers };
    },
  },
  {
    name: 'a missing webhook-id header',
    code: 'missing_header',
    make(secret) {
      const d = delivery(secret);
      const { 'webhook-id': _dropped, ...headers } = d.headers;
      return { ...d, headers };
    },
  },
];

/** A body of `size` bytes sent in `chunk`-byte pieces with no content-length (chunked encoding). */
export function chunkedBody(size: number, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      const n = Math.min(chunk, size - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(0x20));
    },
  });
}
