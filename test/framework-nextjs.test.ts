// The Next.js examples under the real `next build` and `next start` (slow: one production build,
// ~10-60 s, shared by every case here). Both routers go into one project, the App Router route at
// /api/app-router/webhooks so it does not clash with the Pages Router's /api/webhooks.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Agent, request } from 'node:http';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../src/index.js';
import { delivery } from './support/deliveries.js';
import { freePort, startService, type ServiceProcess } from './support/framework-process.js';
import { post } from './support/http.js';
import { receiverContract, type StartReceiver } from './support/receiver-contract.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const NEXT = join(root, 'node_modules/next/dist/bin/next');
// Under the repository, so the project finds next and react in its node_modules; .cache is ignored.
mkdirSync(join(root, '.cache'), { recursive: true });
const dir = mkdtempSync(join(root, '.cache/next-'));
const env = { PATH: process.env.PATH ?? '', HOME: dir, NEXT_TELEMETRY_DISABLED: '1' };

/** The package as users get it: its entries bundled (one shared chunk) into node_modules. */
async function installPackage(): Promise<void> {
  const pkg = join(dir, 'node_modules/managed-agents-webhooks');
  await build({
    entryPoints: {
      index: join(root, 'src/index.ts'),
      web: join(root, 'src/adapters/web.ts'),
      node: join(root, 'src/adapters/node.ts'),
      idempotency: join(root, 'src/idempotency/index.ts'),
    },
    outdir: join(pkg, 'dist'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'neutral',
    packages: 'external',
    logLevel: 'error',
  });
  const exports = { '.': './dist/index.js', './web': './dist/web.js', './node': './dist/node.js' };
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: 'managed-agents-webhooks',
      type: 'module',
      exports: { ...exports, './idempotency': './dist/idempotency.js' },
    }),
  );
}

function copy(from: string, to: string, edit: (text: string) => string = (t) => t): void {
  mkdirSync(join(dir, to, '..'), { recursive: true });
  writeFileSync(join(dir, to), edit(readFileSync(join(root, from), 'utf8')));
}

beforeAll(async () => {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        moduleResolution: 'bundler',
        module: 'esnext',
        jsx: 'preserve',
      },
    }),
  );
  // The examples are type-checked with the rest of the project (tsconfig.test.json).
  // Each example's own next.config.mjs (no trailing-slash redirect), plus what this shared build needs.
  const exampleConfig = (name: string): string =>
    JSON.stringify(pathToFileURL(join(root, 'examples', name, 'next.config.mjs')).href);
  writeFileSync(
    join(dir, 'next.config.mjs'),
    `import pages from ${exampleConfig('nextjs-pages-router')};\nimport app from ${exampleConfig('nextjs-app-router')};\n` +
      `export default { ...pages, ...app, turbopack: { root: ${JSON.stringify(root)} }, typescript: { ignoreBuildErrors: true } };\n`,
  );
  copy('examples/nextjs-pages-router/pages/api/webhooks.ts', 'pages/api/webhooks.ts');
  // The silent mistake: a misspelt config export, which Next.js ignores.
  copy('examples/nextjs-pages-router/pages/api/webhooks.ts', 'pages/api/misnamed.ts', (text) => {
    const edited = text.replace('export const config = {', 'export const configs = {');
    if (edited === text) throw new Error('the pages example no longer exports config');
    return edited;
  });
  copy('examples/nextjs-app-router/app/api/webhooks/route.ts', 'app/api/app-router/webhooks/route.ts');
  await installPackage();
  await promisify(execFile)(process.execPath, [NEXT, 'build'], {
    cwd: dir,
    env,
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** `next start` on the one build, with this secret in its environment; each line it prints goes to `log`. */
async function nextStart(
  secret: string,
  log: (line: string) => void = () => {},
): Promise<{ base: string; service: ServiceProcess }> {
  const port = await freePort();
  const service = await startService(process.execPath, [NEXT, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: dir,
    env: { ...env, ANTHROPIC_WEBHOOK_SIGNING_KEY: secret },
    readyText: /Ready in/,
    timeoutMs: 60_000,
    onLine: log,
  });
  return { base: `http://127.0.0.1:${port}`, service };
}

/** `next start` for the enclosing describe block: started before its tests, stopped after them. */
function startedForThisBlock(secret: string): { base(): string } {
  let server: { base: string; service: ServiceProcess } | undefined;
  beforeAll(async () => {
    server = await nextStart(secret);
  });
  afterAll(async () => {
    await server?.service.stop();
  });
  return { base: () => server?.base ?? '' };
}

const receiverAt =
  (path: string): StartReceiver =>
  async ({ secret, log }) => {
    const { base, service } = await nextStart(secret, log);
    return { url: `${base}${path}`, stop: () => service.stop() };
  };

describe('examples/nextjs-pages-router under next start (slow: next build): bodyParser: false, the Node adapter', () => {
  receiverContract(receiverAt('/api/webhooks'), {
    closesAfterOversize: 'Next.js answers the 413 with Connection: close and closes',
  });
});

describe('examples/nextjs-app-router under next start (slow: next build): the web adapter on the Request', () => {
  receiverContract(receiverAt('/api/app-router/webhooks'), {
    closesAfterOversize: 'the example answers a mid-body refusal with Connection: close',
  });
});

describe('examples/nextjs-app-router: the connection after a 413', () => {
  const secret = generateSecret();
  const server = startedForThisBlock(secret);

  // Next.js keeps a connection alive after a handler answers without reading the whole body, with
  // the rest of that body left on it; the example closes it, so the next delivery gets a clean one.
  it('a valid delivery through the same kept-alive agent after a 413 succeeds', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const url = `${server.base()}/api/app-router/webhooks`;
      const first = await send(url, delivery(secret).headers, agent, 4 * 1024 * 1024);
      expect(first).toBe(413);
      const valid = delivery(secret);
      expect(await send(url, valid.headers, agent, valid.body)).toBe(200);
    } finally {
      agent.destroy();
    }
  }, 20_000);
});

/** POSTs `body` (or that many bytes of spaces, chunked) through `agent`; resolves to the status. */
function send(url: string, headers: Record<string, string>, agent: Agent, body: string | number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent, timeout: 8_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 8 s')));
    req.on('error', reject);
    if (typeof body === 'string') return void req.end(body);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let left = body;
    const pump = (): void => {
      while (left > 0) {
        left -= chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('the Pages Router with the config export misspelt', () => {
  const secret = generateSecret();
  const server = startedForThisBlock(secret);

  it('Next.js parses the JSON anyway, and every delivery is refused with 400 invalid_body, not silently', async () => {
    const answer = await post(`${server.base()}/api/misnamed`, delivery(secret));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_body');
  });
});
