import { describe, expect, it } from 'vitest';
import { unwrapRequest, verifyRequest } from '../src/adapters/web.js';
import { generateSecret, sign } from '../src/index.js';
import { delivery } from './support/deliveries.js';
import { refusal } from './support/errors.js';

const secret = generateSecret();
const url = 'https://example.test/webhooks';

function requestOf(body: BodyInit | null, headers: Record<string, string>): Request {
  return new Request(url, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
}

/** A body stream that counts its pulls and notes being cancelled. */
function countedStream(
  chunks: number,
  size: number,
): { stream: ReadableStream<Uint8Array>; pulls: () => number; cancelled: () => boolean } {
  let pulls = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (++pulls > chunks) return controller.close();
        controller.enqueue(new Uint8Array(size).fill(0x20));
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulls: () => pulls, cancelled: () => cancelled };
}

describe('unwrapRequest and verifyRequest read a fetch Request', () => {
  it('verifies a delivery and returns the typed event', async () => {
    const d = delivery(secret, { type: 'session.thread_created' });
    const event = await unwrapRequest(requestOf(d.body, d.headers), { secret });
    expect(event.id).toBe(d.eventId);
    expect(event.data.type).toBe('session.thread_created');
  });

  it("passes the Request's Headers straight to the core, whatever the case of the names", async () => {
    const d = delivery(secret);
    const shouted = Object.fromEntries(Object.entries(d.headers).map(([name, value]) => [name.toUpperCase(), value]));
    expect((await unwrapRequest(requestOf(d.body, shouted), { secret })).id).toBe(d.eventId);
  });

  it('verifies over the exact bytes received, even when they are not UTF-8', async () => {
    const raw = Uint8Array.of(0xff, 0xfe, 0x7b, 0x7d, 0xc3, 0x28);
    const headers = sign({ id: 'msg_bytes', timestamp: new Date(), body: raw, secret });
    const verified = await verifyRequest(requestOf(raw, headers), { secret });
    expect(Array.from(verified.body)).toEqual(Array.from(raw));
    expect(verified.id).toBe('msg_bytes');
  });

  it('verifies a body that arrives in many chunks', async () => {
    const d = delivery(secret);
    const bytes = new TextEncoder().encode(d.body);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    expect((await unwrapRequest(requestOf(stream, d.headers), { secret })).id).toBe(d.eventId);
  });

  it('reads a Request without a body as zero bytes', async () => {
    const headers = sign({ id: 'msg_empty', timestamp: new Date(), body: '', secret });
    const verified = await verifyRequest(new Request(url, { method: 'POST', headers }), { secret });
    expect(verified.body.length).toBe(0);
  });

  it('refuses a Request whose body was already read with invalid_body, and accepts its clone', async () => {
    const d = delivery(secret);
    const request = requestOf(d.body, d.headers);
    const copy = request.clone();
    await request.json();
    const err = await refusal(unwrapRequest(request, { secret }));
    expect(err.code).toBe('invalid_body');
    expect(err.status).toBe(400);
    expect(err.message).toContain('request.clone()');
    expect((await unwrapRequest(copy, { secret })).id).toBe(d.eventId);
  });

  it('refuses a body stream that fails midway with invalid_body, keeping the failure as cause', async () => {
    const d = delivery(secret);
    const failure = new Error('connection reset');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(d.body.slice(0, 10)));
        controller.error(failure);
      },
    });
    const err = await refusal(unwrapRequest(requestOf(stream, d.headers), { secret }));
    expect(err.code).toBe('invalid_body');
    expect(err.cause).toBe(failure);
  });

  it('stops reading a chunked body as soon as it passes maxBodyBytes, and cancels the rest', async () => {
    const body = countedStream(1000, 1024);
    const err = await refusal(
      unwrapRequest(requestOf(body.stream, delivery(secret).headers), { secret, maxBodyBytes: 10 * 1024 }),
    );
    expect(err.code).toBe('body_too_large');
    expect(err.status).toBe(413);
    // Eleven 1 KiB chunks pass 10 KiB (a runtime may read one ahead); the rest are never asked for.
    const pulled = body.pulls();
    expect(pulled).toBeGreaterThanOrEqual(11);
    expect(pulled).toBeLessThanOrEqual(12);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(body.cancelled()).toBe(true);
    expect(body.pulls()).toBe(pulled);
  });

  it('refuses by content-length before reading any of the body', async () => {
    const body = countedStream(1, 16);
    const headers = { ...delivery(secret).headers, 'content-length': String(2 * 1024 * 1024) };
    const err = await refusal(unwrapRequest(requestOf(body.stream, headers), { secret }));
    expect(err.code).toBe('body_too_large');
    expect(err.message).toContain('content-length declares 2097152 bytes');
    expect(body.pulls()).toBe(0);
  });

  it('reports the core refusals unchanged', async () => {
    const d = delivery(secret);
    const err = await refusal(unwrapRequest(requestOf(d.body, d.headers), { secret: generateSecret() }));
    expect(err.code).toBe('invalid_signature');
  });
});
