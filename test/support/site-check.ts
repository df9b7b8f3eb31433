// Opens each page of a built static site in headless Chromium and reports what a reader would hit:
// a page that does not render (no h1, no main content), a console error, an uncaught exception, a
// resource that fails to load, a request to another host, and an internal link — `a[href]` on
// this origin — to a file that does not exist or to a `#fragment` the target page does not have.
import { readFileSync } from 'node:fs';
import { launchChromium, type CdpEvent, type Chromium } from './chromium-cdp.js';
import { serveStatic, type StaticServer } from './static-server.js';

export interface PageReport {
  path: string;
  h1: string;
  /** Characters of text in the page's main content. */
  mainText: number;
  /** Every `a[href]`, resolved to an absolute URL. */
  links: string[];
  /** Every element id once the page has rendered, for `#fragment` links into it. */
  ids: string[];
}

export interface SiteReport {
  pages: PageReport[];
  /** One line per problem, naming the page; empty when the site is sound. */
  problems: string[];
  /** Internal link targets checked (without fragments). */
  checkedLinks: number;
}

/** A page settles when its network has been idle for 500 ms (Chromium's networkIdle); at most this long. */
const SETTLE_MS = 20_000;
/** Pages open at the same time. */
const TABS = 4;

// Evaluated in the page: what rendered, every link and every id. VitePress's home and 404 pages
// have no <main> of their own: the hero and features (.VPHome), or the not-found notice, are the
// main content there. Ids come from the rendered page, since a page rendered only in the browser
// (VitePress's 404.html) has none in its HTML file.
const INSPECT = `JSON.stringify({
  h1: (document.querySelector('h1')?.textContent ?? '').trim(),
  mainText: (document.querySelector('main, .VPHome, .NotFound')?.textContent ?? '').trim().length,
  links: [...document.querySelectorAll('a[href]')].map((a) => a.href),
  ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
})`;

/** The parameters of the events read below (the protocol's own shapes, cut to what is used). */
interface EventParams {
  type?: string;
  args?: Array<{ value?: unknown; description?: string }>;
  exceptionDetails?: { text?: string; exception?: { description?: string } };
  entry?: { level?: string; text?: string; url?: string };
}

/** The problem an event reports, if it is one: an error logged, thrown, or a load that failed. */
function problemOf(event: CdpEvent): string | undefined {
  const p = event.params as EventParams;
  switch (event.method) {
    case 'Runtime.consoleAPICalled':
      if (p.type !== 'error' && p.type !== 'assert') return undefined;
      return `console.${p.type}: ${(p.args ?? []).map((a) => a.description ?? String(a.value)).join(' ')}`;
    case 'Runtime.exceptionThrown':
      return `uncaught: ${p.exceptionDetails?.exception?.description ?? p.exceptionDetails?.text}`;
    case 'Log.entryAdded':
      return p.entry?.level === 'error' ? `log error: ${p.entry.text} ${p.entry.url ?? ''}`.trim() : undefined;
    default:
      return undefined;
  }
}

/** Opens one page in a fresh tab, so nothing a previous page logs late is blamed on this one. */
async function openPage(
  browser: Chromium,
  server: StaticServer,
  path: string,
  problems: string[],
): Promise<PageReport> {
  const { targetId } = await browser.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await browser.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
  const lifecycle: string[] = [];
  const stop = browser.on((event) => {
    if (event.sessionId !== sessionId) return;
    if (event.method === 'Page.lifecycleEvent') {
      lifecycle.push(`${String(event.params.loaderId)} ${String(event.params.name)}`);
      return;
    }
    if (event.method === 'Network.requestWillBeSent') {
      const url = String((event.params.request as { url: string }).url);
      if (!url.startsWith(`${server.origin}/`) && !/^(data|blob|about):/.test(url))
        problems.push(`${path}: requested another host: ${url}`);
      return;
    }
    const problem = problemOf(event);
    if (problem !== undefined) problems.push(`${path}: ${problem}`);
  });
  try {
    for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await browser.send(`${domain}.enable`, {}, sessionId);
    await browser.send('Page.setLifecycleEventsEnabled', { enabled: true }, sessionId);
    const navigation = await browser.send<{ loaderId?: string; errorText?: string }>(
      'Page.navigate',
      { url: server.origin + path },
      sessionId,
    );
    if (navigation.errorText) problems.push(`${path}: navigation failed: ${navigation.errorText}`);
    const idle = `${navigation.loaderId} networkIdle`;
    const deadline = Date.now() + SETTLE_MS;
    while (!lifecycle.includes(idle) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (!lifecycle.includes(idle)) problems.push(`${path}: still loading after ${SETTLE_MS} ms`);
    const { result } = await browser.send<{ result: { value?: string } }>(
      'Runtime.evaluate',
      { expression: INSPECT, returnByValue: true },
      sessionId,
    );
    const seen = JSON.parse(result.value ?? '{}') as Omit<PageReport, 'path'>;
    if (seen.h1 === '') problems.push(`${path}: no h1`);
    if (!(seen.mainText > 0)) problems.push(`${path}: no main content`);
    return { path, ...seen };
  } finally {
    stop();
    await browser.send('Target.closeTarget', { targetId }).catch(() => undefined);
  }
}

/** The ids and names a page's HTML file declares, for `#fragment` links into a page not opened here. */
function anchorsOf(file: string): Set<string> {
  const html = readFileSync(file, 'utf8');
  const ids = [...html.matchAll(/\s(?:id|name)="([^"]*)"/g)].map(([, value]) =>
    value!
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&'),
  );
  return new Set(ids);
}

/** Serves `root` on loopback, opens each of `paths` (such as `/guide/verify.html`) and checks every internal link. */
export async function checkSite(root: string, paths: string[]): Promise<SiteReport> {
  const server = await serveStatic(root);
  const browser = await launchChromium().catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  const problems: string[] = [];
  const pages: PageReport[] = [];
  try {
    // A few tabs at once: most of a page's time is the wait for its network to go quiet.
    let next = 0;
    const tab = async (): Promise<void> => {
      while (next < paths.length) {
        const index = next++;
        pages[index] = await openPage(browser, server, paths[index]!, problems);
      }
    };
    await Promise.all(Array.from({ length: Math.min(TABS, paths.length) }, tab));
  } finally {
    await browser.close();
    await server.close();
  }

  const anchors = new Map<string, Set<string>>();
  for (const page of pages) {
    const file = server.fileFor(page.path);
    if (file !== undefined) anchors.set(file, new Set(page.ids));
  }
  const targets = new Set<string>();
  for (const page of pages) {
    for (const href of page.links) {
      const url = new URL(href);
      if (url.origin !== server.origin) continue; // another site, mailto:, javascript:
      targets.add(url.pathname);
      const file = server.fileFor(url.pathname);
      if (file === undefined) {
        problems.push(`${page.path}: broken link ${url.pathname}${url.hash} (no such page or file)`);
        continue;
      }
      const fragment = decodeURIComponent(url.hash.slice(1));
      if (fragment === '' || !file.endsWith('.html')) continue;
      if (!anchors.has(file)) anchors.set(file, anchorsOf(file));
      if (!anchors.get(file)!.has(fragment))
        problems.push(`${page.path}: broken link ${url.pathname}${url.hash} (no such anchor on that page)`);
    }
  }
  return { pages, problems: [...new Set(problems)].sort(), checkedLinks: targets.size };
}
