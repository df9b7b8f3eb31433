// Interop with the official path: the reference `standardwebhooks` package (what the official
// SDK runs) and `@anthropic-ai/sdk`'s client.beta.webhooks.unwrap. What they sign must verify
// here, and what we sign must verify there.
import Anthropic from '@anthropic-ai/sdk';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createSampleEvent, EVENT_TYPES, generateSecret, parseUnverified, sign, unwrap, verify } from '../src/index.js';

const secret = generateSecret();
const reference = new Webhook(secret);
const sdk = new Anthropic({ apiKey: 'test-key', webhookKey: secret });

function referenceHeaders(id: string, body: string, at = new Date()): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': reference.sign(id, at, body),
  };
}

describe('deliveries signed by standardwebhooks', () => {
  it.each(EVENT_TYPES.map((t) => [t]))('%s verifies here and unwraps in the official SDK', (type) => {
    const body = JSON.stringify(createSampleEvent(type));
    const headers = referenceHeaders(`msg_${type.replace('.', '_')}`, body);
    const ours = unwrap(body, headers, { secret });
    const theirs = sdk.beta.webhooks.unwrap(body, { headers });
    expect(ours).toEqual(theirs);
    expect(ours.data.type).toBe(type);
  });

  it('also verify as bytes, through fetch Headers', () => {
    const body = JSON.stringify(createSampleEvent('session.status_idled'));
    const headers = referenceHeaders('msg_bytes', body);
    expect(verify(new TextEncoder().encode(body), new Headers(headers), { secret }).id).toBe('msg_bytes');
  });

  it('are refused here when the reference refuses them', () => {
    const body = JSON.stringify(createSampleEvent('session.created'));
    const headers = referenceHeaders('msg_x', body, new Date(Date.now() - 400_000));
    expect(() => reference.verify(body, headers)).toThrow(/timestamp too old/i);
    expect(() => verify(body, headers, { secret })).toThrow(expect.objectContaining({ code: 'timestamp_too_old' }));
  });
});

describe('deliveries signed here', () => {
  it.each(EVENT_TYPES.map((t) => [t]))('%s verify in standardwebhooks and unwrap in the official SDK', (type) => {
    const event = createSampleEvent(type);
    const body = JSON.stringify(event);
    const headers = sign({ id: `msg_${event.id}`, timestamp: new Date(), body, secret });
    expect(reference.verify(body, headers)).toEqual(event);
    expect(sdk.beta.webhooks.unwrap(body, { headers })).toEqual(event);
  });

  it('carry exactly the signature the reference computes', () => {
    const at = new Date(1_795_000_000_000);
    const headers = sign({ id: 'msg_same', timestamp: at, body: '{"a":1}', secret });
    expect(headers['webhook-signature']).toBe(reference.sign('msg_same', at, '{"a":1}'));
  });

  it('with a tampered body are refused by the official SDK too', () => {
    const body = JSON.stringify(createSampleEvent('agent.created'));
    const headers = sign({ id: 'msg_t', timestamp: new Date(), body, secret });
    expect(() => sdk.beta.webhooks.unwrap(body.replace('agent', 'agenT'), { headers })).toThrow(
      /no matching signature/i,
    );
  });
});

describe("parseUnverified, beside the SDK's client.beta.webhooks.parseUnverified", () => {
  it.each(EVENT_TYPES.map((t) => [t]))('%s reads to the same event in both', (type) => {
    const body = JSON.stringify(createSampleEvent(type));
    expect(parseUnverified(body)).toEqual(sdk.beta.webhooks.parseUnverified(body));
  });
});
