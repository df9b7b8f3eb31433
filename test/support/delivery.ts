import { createSampleEvent, generateSecret, sign, type WebhookHeaders } from '../../src/index.js';

export interface Delivery {
  secret: string;
  body: string;
  headers: WebhookHeaders;
  nowMs: number;
}

/** A freshly signed `session.status_idled` delivery, stamped at `nowMs`. */
export function makeDelivery(nowMs = Date.UTC(2026, 10, 22, 12), secret: string = generateSecret()): Delivery {
  const body = JSON.stringify(createSampleEvent('session.status_idled', { createdAt: new Date(nowMs) }));
  const headers = sign({ id: 'msg_test_1', timestamp: new Date(nowMs), body, secret });
  return { secret, body, headers, nowMs };
}
