// The README and docs snippet check (npm run test:readme) itself: it must fail a block that does
// not compile, on the right Markdown file and line, pass fragments that use the declared prelude,
// and find every page of the docs site and what the pages include.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSnippets, extractSnippets } from './readme/snippets.js';
import { markdownSources } from './readme/sources.js';

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

// A docs page, checked in the same run: its blocks may carry a VitePress title or options.
const page = [
  '# Page', // 1
  '```ts [server.ts]', // 2
  "import { unwrap } from 'managed-agents-webhooks';", // 3
  'const n: number = unwrap;', // 4
  '```', // 5
  '```tsx', // 6
  'const notChecked = <div />;', // 7
  '```', // 8
  '```ts{1}', // 9
  "const e: string = event.data.type; // a known page's fragment, fine", // 10
  '```', // 11
].join('\n');

describe('the README snippet check', () => {
  const snippets = [...extractSnippets(markdown, 'README.md'), ...extractSnippets(page, 'docs/page.md')];
  const all = checkSnippets(snippets, dir);
  const errors = all.filter((e) => e.file === 'README.md');

  it('extracts only ts blocks, with the line they start on', () => {
    expect(extractSnippets(markdown).map((s) => s.line)).toEqual([4, 18, 21, 25, 31]);
  });

  it('extracts ts blocks with a title or options, and not tsx', () => {
    expect(extractSnippets(page, 'docs/page.md').map((s) => [s.file, s.line])).toEqual([
      ['docs/page.md', 3],
      ['docs/page.md', 10],
    ]);
  });

  it('places an error in a second file on that file and line, not the README', () => {
    expect(all.filter((e) => e.file === 'docs/page.md').map((e) => [e.line, e.code])).toEqual([[4, 2322]]);
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

describe('the Markdown the check reads', () => {
  const root = mkdtempSync(join(tmpdir(), 'maw-snippet-sources-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  it('is the README, every docs page, and the files pages include, but no build output', () => {
    write('README.md', '# r');
    write('docs/index.md', '# home');
    write('docs/guide/a.md', '# a\n<!--@include: ../../examples/x/README.md{3,}-->\n<!--@include: ./part.md-->');
    write('docs/guide/part.md', 'part');
    write('examples/x/README.md', '# x');
    write('docs/public/api/notes.md', 'TypeDoc output');
    write('docs/.vitepress/cache/stale.md', 'build output');
    expect(markdownSources(root).map((f) => f.slice(root.length + 1))).toEqual([
      'README.md',
      'docs/guide/a.md',
      'docs/guide/part.md',
      'docs/index.md',
      'examples/x/README.md',
    ]);
  });

  it('fails on an include that names no file', () => {
    write('docs/broken.md', '<!--@include: ../examples/gone/README.md-->');
    expect(() => markdownSources(root)).toThrow(/gone\/README\.md--> names no file/);
  });
});
