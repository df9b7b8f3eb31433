// The docs' Troubleshooting page (docs/troubleshooting.md, "Common mistakes") quotes the exact
// message of each common mistake. Each mistake is reproduced here; the section must contain what
// the library says today, under a heading that names the code and status.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { unwrapNodeRequest } from '../src/adapters/node.js';
import { createSampleEvent, generateSecret, sign, unwrap, type WebhookVerificationError } from '../src/index.js';
import { caught, refusal } from './support/errors.js';

const page = readFileSync(new URL('../docs/troubleshooting.md', import.meta.url), 'utf8');
const start = page.indexOf('\n## Common mistakes\n');
// The section runs to the next `## ` heading, or to the end of the page when it is the last.
const next = page.indexOf('\n## ', start + 1);
const section = start < 0 ? '' : page.slice(start, next < 0 ? undefined : next);

const secret = generateSecret();
const body = JSON.stringify(createSampleEvent('session.status_idled'));
const nowMs = 1_795_000_000_000;
const headers = sign({ id: 'msg_1', timestamp: new Date(nowMs), body, secret });

function quoted(error: WebhookVerificationError): void {
  expect(section).toContain(`\n${error.message}\n`);
  const headings = section.split('\n').filter((line) => line.startsWith('### '));
  expect(headings.some((h) => h.includes(`\`${error.code}\``) && h.includes(`(${error.status})`))).toBe(true);
}

describe('the Troubleshooting page quotes the messages users see', () => {
  it('has the section', () => {
    expect(start).toBeGreaterThan(0);
    expect(section.split('\n').filter((l) => l.startsWith('### '))).toHaveLength(5);
  });

  it('the body was parsed first: through unwrap, and through the Node adapter after express.json()', async () => {
    const parsed = caught(() => unwrap(JSON.parse(body) as never, headers, { secret, now: nowMs }));
    expect(parsed.code).toBe('invalid_body');
    quoted(parsed);
    // As Express leaves a request after express.json(): the stream read, the object on req.body.
    const req = Object.assign(Readable.from([new TextEncoder().encode(body)]), {
      headers: { ...headers, 'content-type': 'application/json' },
      body: undefined as unknown,
    });
    for await (const chunk of req) void chunk;
    req.body = JSON.parse(body);
    const fromAdapter = await refusal(unwrapNodeRequest(req, { secret, now: nowMs }));
    expect(fromAdapter.message).toBe(parsed.message);
  });

  it("the wrong endpoint's secret", () => {
    const error = caught(() => unwrap(body, headers, { secret: generateSecret(), now: nowMs }));
    expect(error.code).toBe('invalid_signature');
    quoted(error);
  });

  it('a trailing newline in the secret', () => {
    const error = caught(() => unwrap(body, headers, { secret: `${secret}\n`, now: nowMs }));
    expect(error.code).toBe('invalid_secret');
    quoted(error);
  });

  it('clock skew, both ways', () => {
    const ahead = caught(() => unwrap(body, headers, { secret, now: nowMs + 600_000 }));
    const behind = caught(() => unwrap(body, headers, { secret, now: nowMs - 600_000 }));
    expect([ahead.code, behind.code]).toEqual(['timestamp_too_old', 'timestamp_too_new']);
    quoted(ahead);
    quoted(behind);
  });

  it('a proxy dropped the headers', () => {
    const { 'webhook-signature': _dropped, ...rest } = headers;
    const error = caught(() => unwrap(body, rest, { secret, now: nowMs }));
    expect(error.code).toBe('missing_header');
    quoted(error);
  });
});
