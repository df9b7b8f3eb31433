// SLOW (builds the site and drives a real browser; about a minute on 2 cores): the docs site as a
// reader gets it. VitePress builds docs/ into a scratch folder, TypeDoc adds the API reference at
// /api/, and headless Chromium opens every page from a loopback server: each page must render
// (an h1 and main content), log no error, throw nothing, load nothing from another host, and link
// only to pages, files and #anchors that exist. A fixture site proves the check fails on each.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium-cdp.js';
import { checkSite, type SiteReport } from './support/site-check.js';
import { serveStatic } from './support/static-server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'maw-docs-site-'));
const site = join(scratch, 'site');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function node(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: root, timeout: 180_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${args.slice(0, 2).join(' ')} failed:\n${stdout}${stderr}`)) : resolve(),
    );
  });
}

/** Every HTML page VitePress wrote, as URL paths; TypeDoc's pages under /api/ are link targets only. */
function sitePages(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => p.split('\\').join('/'))
    .filter((p) => p.endsWith('.html') && !p.startsWith('api/'))
    .map((p) => (p === 'index.html' ? '/' : `/${p}`))
    .sort();
}

describe('the docs site in headless Chromium', () => {
  let report: SiteReport;
  beforeAll(async () => {
    await node([join(root, 'node_modules/vitepress/bin/vitepress.js'), 'build', 'docs', '--outDir', site]);
    // `npm run docs` is TypeDoc's gate (warnings as errors, type errors); here only its pages matter.
    await node([
      join(root, 'node_modules/typedoc/bin/typedoc'),
      '--out',
      join(site, 'api'),
      '--treatWarningsAsErrors',
      'false',
      '--skipErrorChecking',
      '--logLevel',
      'Error',
    ]);
    report = await checkSite(site, sitePages(site));
  }, 360_000);

  it('has a page for every guide, the stubs the README moves into, and the API reference', () => {
    const pages = report.pages.map((p) => p.path);
    for (const page of [
      '/',
      '/getting-started.html',
      '/guide/verify.html',
      '/guide/adapters.html',
      '/guide/lambda.html',
      '/guide/idempotency.html',
      '/guide/queue.html',
      '/guide/never-miss.html',
      '/guide/observability.html',
      '/guide/recipes.html',
      '/guide/simulate.html',
      '/troubleshooting.html',
      '/cli.html',
      '/performance.html',
      '/security.html',
    ])
      expect(pages).toContain(page);
    expect(existsSync(join(site, 'api/index.html'))).toBe(true);
  });

  it('renders every page with an h1 and main content, with no error, no outside request and no broken link', () => {
    expect(report.problems).toEqual([]);
    for (const page of report.pages) {
      expect(page.h1, page.path).not.toBe('');
      expect(page.mainText, page.path).toBeGreaterThan(100);
    }
  });

  it('followed the links into the API reference and across the guides', () => {
    const internal = report.pages.flatMap((p) => p.links).map((href) => new URL(href));
    expect(internal.some((url) => url.pathname === '/api/')).toBe(true);
    expect(internal.some((url) => url.pathname === '/troubleshooting.html' && url.hash === '#error-codes')).toBe(true);
    expect(report.checkedLinks).toBeGreaterThanOrEqual(report.pages.length);
  });
  it('finds a guide through the local search, with no network', async () => {
    const server = await serveStatic(site);
    const browser = await launchChromium();
    try {
      const { targetId } = await browser.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
      const { sessionId } = await browser.send<{ sessionId: string }>('Target.attachToTarget', {
        targetId,
        flatten: true,
      });
      await browser.send('Page.enable', {}, sessionId);
      const loaded = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('getting-started.html did not load within 20 s')), 20_000);
        const stop = browser.on((event) => {
          if (event.sessionId !== sessionId || event.method !== 'Page.loadEventFired') return;
          clearTimeout(timer);
          stop();
          resolve();
        });
      });
      await browser.send('Page.navigate', { url: `${server.origin}/getting-started.html` }, sessionId);
      await loaded;
      // Open the search box, type, and read the hits; each step waits for the page, bounded.
      const results = await browser.send<{ result: { value?: string[] } }>(
        'Runtime.evaluate',
        {
          awaitPromise: true,
          returnByValue: true,
          expression: `(async () => {
            const until = async (find) => { for (let i = 0; i < 100; i++) { const x = find(); if (x) return x; await new Promise((r) => setTimeout(r, 100)); } return undefined; };
            // Click until the box opens: before hydration the button has no handler yet.
            await until(() => document.querySelector('.VPLocalSearchBox input') ?? void document.querySelector('.VPNavBarSearch button')?.click());
            const input = await until(() => document.querySelector('.VPLocalSearchBox input'));
            // The box loads its index after it opens: type again until the hits show.
            await until(() => {
              input.value = 'base64 pitfall';
              input.dispatchEvent(new Event('input', { bubbles: true }));
              return document.querySelector('.VPLocalSearchBox .result');
            });
            return [...document.querySelectorAll('.VPLocalSearchBox .result')].map((a) => a.getAttribute('href'));
          })()`,
        },
        sessionId,
      );
      expect(results.result.value).toContain('/guide/lambda.html#the-base64-pitfall');
    } finally {
      await browser.close();
      await server.close();
    }
  }, 60_000);
});

describe('the site check', () => {
  const fixture = join(scratch, 'fixture');
  const page = (path: string, body: string): void => {
    mkdirSync(join(fixture, path, '..'), { recursive: true });
    // An inline icon: otherwise Chromium may ask for /favicon.ico, a 404 the clean page would report.
    writeFileSync(
      join(fixture, path),
      `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>${path}</title>${body}`,
    );
  };

  it('fails a broken link, a missing anchor, a page without an h1, an error logged or thrown, and an outside request', async () => {
    page(
      'index.html',
      `<h1>Home</h1><main>Links:
        <a href="/good.html">fine</a> <a href="/good.html#here">fine anchor</a> <a href="https://example.com/">elsewhere</a>
        <a href="/missing.html">broken</a> <a href="/good.html#nowhere">broken anchor</a> <a href="/guide/">no index</a>
      </main>`,
    );
    page('good.html', '<h1>Good</h1><main><p id="here">A page with nothing wrong.</p></main>');
    page('guide/other.html', '<h1>Other</h1><main>A folder without an index.html.</main>');
    page('blank.html', '<main></main>');
    page(
      'noisy.html',
      `<h1>Noisy</h1><main>text</main><script>
        console.error('boom');
        setTimeout(() => { throw new Error('late failure'); }, 10);
        fetch('http://example.com/tracker').catch(() => {});
      </script><img src="/missing.png">`,
    );

    const { problems } = await checkSite(fixture, ['/', '/good.html', '/blank.html', '/noisy.html']);
    expect(problems.filter((p) => p.startsWith('/good.html'))).toEqual([]);
    expect(problems).toEqual(
      expect.arrayContaining([
        '/: broken link /missing.html (no such page or file)',
        '/: broken link /good.html#nowhere (no such anchor on that page)',
        '/: broken link /guide/ (no such page or file)',
        '/blank.html: no h1',
        '/blank.html: no main content',
        '/noisy.html: console.error: boom',
        expect.stringMatching(/^\/noisy\.html: uncaught: Error: late failure/),
        '/noisy.html: requested another host: http://example.com/tracker',
        expect.stringMatching(/^\/noisy\.html: log error: .*404.* http:\/\/127\.0\.0\.1:\d+\/missing\.png$/),
      ]),
    );
    // A link to another site is not followed: only requests a page makes on its own count.
    expect(problems.filter((p) => p.includes('https://example.com'))).toEqual([]);
  }, 120_000);
});
