import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, unwrap, verify } from '../src/index.js';
import { caught } from './support/errors.js';
import { envelopeCases, eventCases, signatureCases, vectorBody, vectorOptions } from './support/vectors.js';

describe('vectors/signatures.json through verify', () => {
  it.each(signatureCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const run = (): unknown => verify(vectorBody(c.body), c.headers, vectorOptions(c));
    if (c.expect === 'ok') {
      const delivery = verify(vectorBody(c.body), c.headers, vectorOptions(c));
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

describe('vectors/events.json through unwrap', () => {
  it('has one signed envelope per known event type', () => {
    expect(eventCases.map((c) => c.name).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it.each(eventCases.map((c) => [c.name, c] as const))('%s unwraps to its event', (_name, c) => {
    const event = unwrap(vectorBody(c.body), c.headers, vectorOptions(c));
    expect(event).toEqual(c.event);
    expect(event.data.type).toBe(c.name);
  });

  it.each(envelopeCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const run = (): unknown => unwrap(vectorBody(c.body), c.headers, vectorOptions(c));
    if (c.expect === 'ok') expect(run()).toMatchObject({ type: 'event' });
    else expect(caught(run).code).toBe(c.expect);
    // Every envelope case has a valid signature, so verify alone accepts it.
    expect(verify(vectorBody(c.body), c.headers, vectorOptions(c)).body).toBeInstanceOf(Uint8Array);
  });
});
