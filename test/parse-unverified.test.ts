// parseUnverified: the envelope checks of unwrap and its error codes, with no signature check —
// for stored events (dead letters in a file, logs, fixtures), never for a request that just arrived.
import { describe, expect, it } from 'vitest';
import { createSampleEvent, parseUnverified, sign, unwrap } from '../src/index.js';
import { caught, expectCode } from './support/errors.js';
import { envelopeCases, eventCases, vectorBody, vectorOptions } from './support/vectors.js';

describe('parseUnverified reads what unwrap reads', () => {
  it.each(eventCases.map((c) => [c.name, c] as const))('%s: the stored body gives the same event', (_name, c) => {
    const body = vectorBody(c.body);
    expect(parseUnverified(body)).toEqual(c.event);
    expect(parseUnverified(body)).toEqual(unwrap(body, c.headers, vectorOptions(c)));
  });

  // Every envelope vector is signed, so unwrap reaches the envelope check: both must agree.
  it.each(envelopeCases.map((c) => [c.name, c] as const))('%s: the same outcome and code as unwrap', (_name, c) => {
    const body = vectorBody(c.body);
    const viaUnwrap = (): unknown => unwrap(body, c.headers, vectorOptions(c));
    if (c.expect === 'ok') {
      expect(parseUnverified(body)).toEqual(viaUnwrap());
      return;
    }
    const error = expectCode(() => parseUnverified(body), caught(viaUnwrap).code);
    expect(error.code).toBe(c.expect);
    expect(error.status).toBe(400);
    // It never claims a signature was checked, and names itself so the log line says where.
    expect(error.message).not.toMatch(/signature is valid/);
    expect(error.message).toMatch(/^parseUnverified\(\)/);
  });

  it('takes a string, a Uint8Array, a Buffer and an ArrayBuffer', () => {
    const event = createSampleEvent('external_storage.failed', { seed: 'parse' });
    const text = JSON.stringify(event);
    const bytes = new TextEncoder().encode(text);
    for (const body of [text, bytes, Buffer.from(text), bytes.slice().buffer]) {
      expect(parseUnverified(body)).toEqual(event);
    }
  });

  it('a lone surrogate in an id is refused as by unwrap (invalid_event)', () => {
    const event = createSampleEvent('session.created');
    const body = JSON.stringify({ ...event, id: 'evt_\ud800' });
    expectCode(() => parseUnverified(body), 'invalid_event');
  });
});

describe('what parseUnverified refuses', () => {
  it('invalid_json: not JSON, an empty body, bytes that are not UTF-8', () => {
    for (const body of ['type=event', '', '{"type":"event"', new Uint8Array([0xff, 0xfe, 0x7b, 0x7d])]) {
      const error = expectCode(() => parseUnverified(body), 'invalid_json');
      expect(error.message).toMatch(/not JSON in UTF-8/);
    }
  });

  it('invalid_event names what is missing and suggests the whole body, not only data', () => {
    const event = createSampleEvent('session.created');
    const error = expectCode(() => parseUnverified(JSON.stringify(event.data)), 'invalid_event');
    expect(error.message).toMatch(/with type "event"/);
    expect(error.message).toMatch(/not only its data/);
    const noCreatedAt = { ...event, created_at: undefined };
    expect(expectCode(() => parseUnverified(JSON.stringify(noCreatedAt)), 'invalid_event').message).toMatch(
      /"created_at"/,
    );
  });

  it('invalid_body: an already-parsed value, with the JSON.stringify fix', () => {
    const event = createSampleEvent('session.created');
    for (const body of [event, [event], null, undefined, 42]) {
      const error = expectCode(() => parseUnverified(body as never), 'invalid_body');
      expect(error.status).toBe(400);
    }
    expect(caught(() => parseUnverified(event as never)).message).toMatch(/JSON\.stringify\(value\)/);
  });
});

describe('it is not verification', () => {
  it('a body signed with another secret, tampered, or never signed at all still parses', () => {
    const event = createSampleEvent('session.status_idled');
    const body = JSON.stringify(event);
    const headers = sign({ id: 'msg_1', timestamp: new Date(), body, secret: `whsec_${btoa('x'.repeat(32))}` });
    expect(caught(() => unwrap(body, headers, { secret: `whsec_${btoa('y'.repeat(32))}` })).code).toBe(
      'invalid_signature',
    );
    expect(parseUnverified(body)).toEqual(event);
    const forged = JSON.stringify({ ...event, data: { ...event.data, id: 'sesn_forged' } });
    expect(parseUnverified(forged).data.id).toBe('sesn_forged');
  });

  it('needs no secret: none in the options, none in the environment', () => {
    const saved = process.env['ANTHROPIC_WEBHOOK_SIGNING_KEY'];
    delete process.env['ANTHROPIC_WEBHOOK_SIGNING_KEY'];
    try {
      expect(parseUnverified(JSON.stringify(createSampleEvent('agent.created'))).data.type).toBe('agent.created');
    } finally {
      if (saved !== undefined) process.env['ANTHROPIC_WEBHOOK_SIGNING_KEY'] = saved;
    }
  });
});
