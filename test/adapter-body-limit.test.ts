import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES } from '../src/adapters/body-limit.js';
import { unwrapNodeRequest } from '../src/adapters/node.js';
import { unwrapRequest } from '../src/adapters/web.js';
import { generateSecret, type WebhookEvent } from '../src/index.js';
import { delivery } from './support/deliveries.js';
import { refusal } from './support/errors.js';

const secret = generateSecret();
const MiB = 1024 * 1024;

/** Both adapters, each given a fresh request carrying `body` and `headers`. */
const adapters: ReadonlyArray<
  [string, (body: string, headers: Record<string, string>, options: object) => Promise<WebhookEvent>]
> = [
  [
    'unwrapRequest',
    (body, headers, options) =>
      unwrapRequest(new Request('https://example.test/', { method: 'POST', body, headers }), options),
  ],
  [
    'unwrapNodeRequest',
    (body, headers, options) =>
      unwrapNodeRequest(
        Object.assign(Readable.from([Buffer.from(body)]), { headers }) as unknown as IncomingMessage,
        options,
      ),
  ],
];

describe.each(adapters)('maxBodyBytes in %s', (_name, adapter) => {
  it('defaults to 1 MiB', async () => {
    expect(DEFAULT_MAX_BODY_BYTES).toBe(MiB);
    const atLimit = delivery(secret, { padTo: MiB });
    expect((await adapter(atLimit.body, atLimit.headers, { secret })).id).toBe(atLimit.eventId);
    const over = delivery(secret, { padTo: MiB + 1 });
    const err = await refusal(adapter(over.body, over.headers, { secret }));
    expect(err.code).toBe('body_too_large');
    expect(err.status).toBe(413);
    expect(err.message).toContain(`over the ${MiB}-byte limit (maxBodyBytes)`);
  });

  it('counts bytes, not characters', async () => {
    const d = delivery(secret);
    const body = `${d.body}\u00e9\u00e9`; // 2 more characters, 4 more bytes
    expect((await refusal(adapter(body, d.headers, { secret, maxBodyBytes: body.length }))).code).toBe(
      'body_too_large',
    );
  });

  it('takes a smaller limit, exact to the byte', async () => {
    const d = delivery(secret);
    const size = new TextEncoder().encode(d.body).length;
    expect((await adapter(d.body, d.headers, { secret, maxBodyBytes: size })).id).toBe(d.eventId);
    expect((await refusal(adapter(d.body, d.headers, { secret, maxBodyBytes: size - 1 }))).code).toBe('body_too_large');
  });

  it('turns off with Infinity', async () => {
    const d = delivery(secret, { padTo: 2 * MiB });
    expect((await adapter(d.body, d.headers, { secret, maxBodyBytes: Infinity })).id).toBe(d.eventId);
  });

  it.each([
    ['negative', -1],
    ['NaN', Number.NaN],
    ['a string', '1mb'],
    ['null', null],
  ])('refuses a %s maxBodyBytes with 500 invalid_options', async (_kind, maxBodyBytes) => {
    const d = delivery(secret);
    const err = await refusal(adapter(d.body, d.headers, { secret, maxBodyBytes }));
    expect(err.code).toBe('invalid_options');
    expect(err.status).toBe(500);
    expect(err.message).toContain('maxBodyBytes');
  });

  it('ignores a malformed content-length and still counts the bytes', async () => {
    const d = delivery(secret);
    expect((await adapter(d.body, { ...d.headers, 'content-length': 'lots' }, { secret })).id).toBe(d.eventId);
  });
});

it('unwrapNodeRequest counts the UTF-8 bytes of a string req.body, not its characters', async () => {
  const d = delivery(secret);
  const body = `${d.body}\u00e9\u00e9`;
  const err = await refusal(unwrapNodeRequest({ headers: d.headers, body }, { secret, maxBodyBytes: body.length }));
  expect(err.code).toBe('body_too_large');
});
