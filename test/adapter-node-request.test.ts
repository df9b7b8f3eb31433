import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { unwrapNodeRequest, verifyNodeRequest, type NodeRequest } from '../src/adapters/node.js';
import { generateSecret, sign } from '../src/index.js';
import { delivery } from './support/deliveries.js';
import { refusal } from './support/errors.js';

const secret = generateSecret();

/** A request stream the way node:http hands it over: a Readable with headers. */
function streamOf(chunks: Array<string | Uint8Array>, headers: Record<string, string>): IncomingMessage {
  return Object.assign(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))), {
    headers,
  }) as unknown as IncomingMessage;
}

describe('unwrapNodeRequest uses the raw body a framework kept', () => {
  const d = delivery(secret);
  const bytes = new TextEncoder().encode(d.body);

  it.each([
    ['a Buffer (express.raw, a Fastify buffer parser)', Buffer.from(d.body)],
    ['a string', d.body],
    ['a Uint8Array', bytes],
    ['an ArrayBuffer', bytes.slice().buffer],
  ])('on req.body as %s', async (_name, body) => {
    expect((await unwrapNodeRequest({ headers: d.headers, body }, { secret })).id).toBe(d.eventId);
  });

  it('on req.rawBody, even when req.body holds the parsed JSON (fastify-raw-body, some hosts)', async () => {
    const req = { headers: d.headers, body: JSON.parse(d.body) as unknown, rawBody: Buffer.from(d.body) };
    expect((await unwrapNodeRequest(req, { secret })).id).toBe(d.eventId);
  });

  it('and never reads the stream then', async () => {
    const req = Object.assign(streamOf(['not this'], d.headers), { body: Buffer.from(d.body) });
    expect((await unwrapNodeRequest(req, { secret })).id).toBe(d.eventId);
    expect(req.readableDidRead).toBe(false);
  });

  it('refuses a kept body over maxBodyBytes with 413 body_too_large, and takes one at the limit', async () => {
    const err = await refusal(
      unwrapNodeRequest({ headers: d.headers, body: Buffer.from(d.body) }, { secret, maxBodyBytes: bytes.length - 1 }),
    );
    expect(err.code).toBe('body_too_large');
    expect(err.status).toBe(413);
    expect(err.message).toContain(`it is ${bytes.length} bytes`);
    expect(
      (await unwrapNodeRequest({ headers: d.headers, body: d.body }, { secret, maxBodyBytes: bytes.length })).id,
    ).toBe(d.eventId);
  });
});

describe('unwrapNodeRequest refuses a body whose bytes are gone', () => {
  const d = delivery(secret);

  it('refuses an already-parsed req.body with 400 invalid_body, showing the fix for Express and Fastify', async () => {
    const err = await refusal(
      unwrapNodeRequest({ headers: d.headers, body: JSON.parse(d.body) as unknown }, { secret }),
    );
    expect(err.code).toBe('invalid_body');
    expect(err.status).toBe(400);
    expect(err.message).toContain("express.raw({ type: 'application/json' })");
    expect(err.message).toContain("{ parseAs: 'buffer' }");
  });

  it('refuses a parsed req.body on a stream a body parser already drained', async () => {
    const req = Object.assign(streamOf([d.body], d.headers), { body: JSON.parse(d.body) as unknown });
    for await (const _chunk of req);
    const err = await refusal(unwrapNodeRequest(req, { secret }));
    expect(err.code).toBe('invalid_body');
    expect(err.message).toContain('express.raw');
  });

  it('refuses a drained stream with nothing kept, saying it was already read', async () => {
    const req = streamOf([d.body], d.headers);
    for await (const _chunk of req);
    const err = await refusal(unwrapNodeRequest(req, { secret }));
    expect(err.code).toBe('invalid_body');
    expect(err.message).toContain('already read');
  });

  it('refuses a request object with neither a stream nor a body', async () => {
    const err = await refusal(unwrapNodeRequest({ headers: d.headers }, { secret }));
    expect(err.code).toBe('invalid_body');
  });
});

describe('unwrapNodeRequest reads the request stream', () => {
  it('verifies a body split across many chunks', async () => {
    const d = delivery(secret);
    const chunks = d.body.match(/[^]{1,5}/g) ?? [];
    expect((await unwrapNodeRequest(streamOf(chunks, d.headers), { secret })).id).toBe(d.eventId);
  });

  it('reads an unread stream even when req.body holds a placeholder (body-parser 1.x sets {})', async () => {
    const d = delivery(secret);
    const req = Object.assign(streamOf([d.body], d.headers), { body: {} });
    expect((await unwrapNodeRequest(req, { secret })).id).toBe(d.eventId);
  });

  it('returns the exact bytes from verifyNodeRequest, even when they are not UTF-8', async () => {
    const raw = Uint8Array.of(0xff, 0xfe, 0x7b, 0x7d, 0xc3, 0x28);
    const headers = sign({ id: 'msg_bytes', timestamp: new Date(), body: raw, secret });
    const verified = await verifyNodeRequest(streamOf([raw.subarray(0, 3), raw.subarray(3)], headers), { secret });
    expect(Array.from(verified.body)).toEqual(Array.from(raw));
  });

  it('verifies a stream someone switched to text with setEncoding', async () => {
    const d = delivery(secret);
    const req = streamOf([d.body], d.headers);
    req.setEncoding('utf8');
    expect((await unwrapNodeRequest(req, { secret })).id).toBe(d.eventId);
  });

  it('refuses by content-length before reading any of the stream', async () => {
    const d = delivery(secret);
    const req = streamOf([d.body], { ...d.headers, 'content-length': '5000000' });
    const err = await refusal(unwrapNodeRequest(req, { secret }));
    expect(err.code).toBe('body_too_large');
    expect(err.message).toContain('content-length declares 5000000 bytes');
    expect(req.readableDidRead).toBe(false);
  });

  it('stops with body_too_large as soon as maxBodyBytes is passed, not when the stream ends', async () => {
    const d = delivery(secret);
    let produced = 0;
    const endless = new Readable({
      // Asynchronous like a socket, so the discarding that follows the refusal cannot starve the loop.
      read() {
        setImmediate(() => {
          produced += 16 * 1024;
          this.push(Buffer.alloc(16 * 1024, 0x20));
        });
      },
    });
    const req = Object.assign(endless, { headers: d.headers }) as unknown as NodeRequest;
    const err = await refusal(unwrapNodeRequest(req, { secret, maxBodyBytes: 256 * 1024 }));
    expect(err.code).toBe('body_too_large');
    // The limit plus what the stream buffers ahead (its 16 KiB highWaterMark), not 'everything'.
    expect(produced).toBeGreaterThan(256 * 1024);
    expect(produced).toBeLessThanOrEqual(256 * 1024 + 3 * 16 * 1024);
    endless.destroy();
  });

  it('refuses a stream that fails midway with invalid_body, keeping the failure as cause', async () => {
    const d = delivery(secret);
    const stream = new PassThrough();
    const req = Object.assign(stream, { headers: d.headers }) as unknown as IncomingMessage;
    const failure = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    const pending = unwrapNodeRequest(req, { secret });
    stream.write(d.body.slice(0, 10));
    stream.destroy(failure);
    const err = await refusal(pending);
    expect(err.code).toBe('invalid_body');
    expect(err.cause).toBe(failure);
  });

  it('refuses a stream closed before its end without an error as an aborted request', async () => {
    const d = delivery(secret);
    const stream = new PassThrough();
    const req = Object.assign(stream, { headers: d.headers }) as unknown as IncomingMessage;
    const pending = unwrapNodeRequest(req, { secret });
    stream.write(d.body.slice(0, 10));
    stream.destroy();
    const err = await refusal(pending);
    expect(err.code).toBe('invalid_body');
    expect(err.message).toContain('could not be read to its end');
  });
});
