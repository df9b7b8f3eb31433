// The README snippet check (npm run test:readme) itself: it must fail a block that does not
// compile, on the right Markdown line, and pass fragments that use the declared prelude.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSnippets, extractSnippets } from './readme/snippets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
mkdirSync(join(root, '.cache'), { recursive: true });
const dir = join(root, '.cache', `readme-self-test-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const markdown = [
  '# Title', // 1
  '', // 2
  '```ts', // 3
  "import { unwrap, isWebhookVerificationError } from 'managed-agents-webhooks';", // 4
  'try {', // 5
  '  unwrap(body, headers, { secret });', // 6
  '} catch (err) {', // 7
  '  if (isWebhookVerificationError(err)) console.log(err.code);', // 8
  '}', // 9
  'declare const body: string;', // 10
  'declare const headers: Headers;', // 11
  '```', // 12
  '', // 13
  '```sh', // 14
  'npm test', // 15
  '```', // 16
  '```ts', // 17
  "router.post('/webhooks', (err, req) => {});", // 18
  '```', // 19
  '```ts', // 20
  "import { dispatch } from 'managed-agents-webhooks';", // 21
  'const n: number = dispatch(event, { default: (e) => e.data.type });', // 22
  '```', // 23
  '```ts', // 24
  "import { dispatch } from 'managed-agents-webhooks';", // 25
  '// a fragment cut from a handler: it may return', // 26
  "const r = await dispatch(event, { 'session.status_idled': async (e) => notify(e.data.id) });", // 27
  'return r;', // 28
  '```', // 29
  '```ts', // 30
  "if (event.data.type === 'session.teleported') …", // 31
  '```', // 32
].join('\n');

describe('the README snippet check', () => {
  const snippets = extractSnippets(markdown);
  const errors = checkSnippets(snippets, dir);

  it('extracts only ts blocks, with the line they start on', () => {
    expect(snippets.map((s) => s.line)).toEqual([4, 18, 21, 25, 31]);
  });

  it('passes a complete block and a fragment that uses the prelude and returns', () => {
    expect(errors.filter((e) => e.line < 13 || (e.line >= 25 && e.line <= 28))).toEqual([]);
  });

  it('fails undeclared names and implicit any, on their Markdown line', () => {
    const at18 = errors.filter((e) => e.line === 18).map((e) => e.code);
    expect(at18).toContain(2304); // Cannot find name 'router'
    expect(at18).toContain(7006); // Parameter implicitly has an 'any' type
  });

  it('fails a type error in a block that otherwise compiles', () => {
    expect(errors.filter((e) => e.line === 22).map((e) => e.code)).toEqual([2322]);
  });

  it('checks narrowing: an unknown data.type is an error, and an ellipsis is elided code', () => {
    expect(errors.filter((e) => e.line === 31).map((e) => e.code)).toEqual([2367]);
  });
});
