// npm run test:runtimes — the packed package on every runtime users deploy to. Packs the built
// package, installs the tarball into a scratch consumer, runs test/runtimes/smoke.ts in each
// runtime, prints a line per runtime and "N passed, N failed". Runtimes come from the npm
// registry (and Debian's chromium) into .cache/runtimes/tools, kept between runs.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { builtinModules } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import events from '../../vectors/events.json' with { type: 'json' };
import signatures from '../../vectors/signatures.json' with { type: 'json' };
import type { SmokeResult } from './smoke.js';

const root = process.cwd();
const cache = join(root, '.cache/runtimes');
const tools = join(cache, 'tools');
const consumer = join(cache, 'consumer');
const smokeSource = join(root, 'test/runtimes/smoke.ts');
const CHROMIUM = '/usr/bin/chromium';
const TIMEOUT_MS = 120_000;
/** Every vector, the round trip, the tampered delivery, the two web-adapter and three Lambda-adapter checks. */
const EXPECTED_CHECKS = signatures.cases.length + events.events.length + events.envelopes.length + 2 + 2 + 3;

interface Outcome {
  runtime: string;
  ok: boolean;
  detail: string;
}
const outcomes: Outcome[] = [];

function report(outcome: Outcome): void {
  outcomes.push(outcome);
  console.log(`${outcome.ok ? 'ok  ' : 'FAIL'}  ${outcome.runtime.padEnd(32)} ${outcome.detail}`);
}

/**
 * Runs one runtime's steps: a throw outside the smoke run itself (bundling, a missing binary)
 * fails that runtime, not the whole run.
 */
async function guarded(runtime: string, steps: () => Promise<void>): Promise<void> {
  try {
    await steps();
  } catch (error) {
    report({ runtime, ok: false, detail: (error as Error).message.split('\n')[0] ?? '' });
  }
}

function npm(args: string[], cwd: string): void {
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const tool = (path: string): string => join(tools, 'node_modules', path);
const BINARIES = {
  node22: tool('node22/bin/node'),
  node24: tool('node24/bin/node'),
  deno: tool('@deno/linux-x64-glibc/deno'),
  bun: tool('@oven/bun-linux-x64/bin/bun'),
  workerd: tool('@cloudflare/workerd-linux-64/bin/workerd'),
};

/** Installs the runtimes once; reinstalls when their pinned list changes or a binary is gone. */
function installTools(): void {
  const manifest = readFileSync(join(root, 'test/runtimes/runtimes.package.json'), 'utf8');
  const stamp = join(tools, '.installed');
  const hash = createHash('sha256').update(manifest).digest('hex');
  const complete = Object.values(BINARIES).every((binary) => existsSync(binary));
  if (complete && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  console.log('installing runtimes into .cache/runtimes/tools (once)…');
  rmSync(tools, { recursive: true, force: true });
  mkdirSync(tools, { recursive: true });
  writeFileSync(join(tools, 'package.json'), manifest);
  // --ignore-scripts: each binary ships inside its package; nothing may download at install.
  npm(['install', '--ignore-scripts'], tools);
  writeFileSync(stamp, hash);
}

/** A fresh consumer project with the packed tarball installed, as a user would have it. */
function installPackage(): void {
  rmSync(consumer, { recursive: true, force: true });
  mkdirSync(consumer, { recursive: true });
  const packDir = mkdtempSync(join(tmpdir(), 'maw-pack-'));
  const tarball =
    execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], { cwd: root, encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop() ?? '';
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }, null, 2));
  npm(['install', join(packDir, tarball)], consumer);
  rmSync(packDir, { recursive: true, force: true });
}

const IMPORT_ENTRY = `
import * as lib from 'managed-agents-webhooks';
import * as web from 'managed-agents-webhooks/web';
import * as lambda from 'managed-agents-webhooks/lambda';
import { smoke } from ${JSON.stringify(smokeSource)};
export const run = () => smoke(lib, web, lambda);
`;

// An empty tsconfig: the project's own maps the package name to src/, and these bundles must
// take the package from the installed tarball.
const NO_TSCONFIG = '{}';

async function bundle(name: string, options: BuildOptions): Promise<string> {
  const outfile = join(consumer, name);
  await build({ bundle: true, logLevel: 'error', outfile, tsconfigRaw: NO_TSCONFIG, ...options });
  return outfile;
}

/** The smoke suite alone, importing the installed package by name (ESM and CJS). */
async function writeEntries(): Promise<void> {
  const external = ['managed-agents-webhooks', 'managed-agents-webhooks/*'];
  await bundle('smoke.mjs', { entryPoints: [smokeSource], format: 'esm', platform: 'neutral', external });
  await bundle('smoke.cjs', { entryPoints: [smokeSource], format: 'cjs', platform: 'neutral', external });
  writeFileSync(
    join(consumer, 'esm.mjs'),
    `import * as lib from 'managed-agents-webhooks';\nimport * as web from 'managed-agents-webhooks/web';\nimport * as lambda from 'managed-agents-webhooks/lambda';\nimport { smoke } from './smoke.mjs';\nconsole.log('SMOKE ' + JSON.stringify(await smoke(lib, web, lambda)));\n`,
  );
  writeFileSync(
    join(consumer, 'cjs.cjs'),
    `const lib = require('managed-agents-webhooks');\nconst web = require('managed-agents-webhooks/web');\nconst lambda = require('managed-agents-webhooks/lambda');\nrequire('./smoke.cjs').smoke(lib, web, lambda).then((r) => console.log('SMOKE ' + JSON.stringify(r)));\n`,
  );
}

function run(command: string, args: string[], cwd = consumer): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(out);
      else reject(new Error(`exit ${code}: ${out.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}

/** The result line: `SMOKE <json>`, or from a page's DOM, `SMOKE_URI <uri-encoded json>` (no HTML escaping to undo). */
function parse(output: string): SmokeResult {
  const encoded = /SMOKE_URI ([^\s<]+)/.exec(output)?.[1];
  if (encoded !== undefined) return JSON.parse(decodeURIComponent(encoded)) as SmokeResult;
  const line = output.split('\n').find((l) => l.includes('SMOKE {'));
  if (line === undefined) throw new Error(`no result: ${output.trim().slice(-300)}`);
  return JSON.parse(line.slice(line.indexOf('SMOKE ') + 6)) as SmokeResult;
}

/** `hmac`: the HMAC path the runtime must take — native where it offers node:crypto. */
async function record(
  runtime: string,
  produce: () => Promise<SmokeResult>,
  extra?: (r: SmokeResult) => string | undefined,
  hmac?: SmokeResult['hmac'],
): Promise<void> {
  let outcome: Outcome;
  try {
    const result = await produce();
    const ran = result.passed + result.failed.length;
    // Every runtime here has a fetch Request; one without it would skip the web adapter silently.
    const problem =
      result.failed.length > 0
        ? result.failed.slice(0, 3).join('; ')
        : !result.globals.Request
          ? 'no global Request, so the web adapter was not run'
          : ran !== EXPECTED_CHECKS
            ? `ran ${ran} checks, expected ${EXPECTED_CHECKS}`
            : hmac !== undefined && result.hmac !== hmac
              ? `took the ${result.hmac} HMAC path, expected ${hmac}`
              : extra?.(result);
    const nodeFree = extra === undefined ? '' : ', no process or Buffer';
    outcome =
      problem === undefined
        ? {
            runtime,
            ok: true,
            detail: `${result.passed} checks, web adapter on a real Request${nodeFree}, HMAC ${result.hmac}`,
          }
        : {
            runtime,
            ok: false,
            detail: `${result.failed.length} of ${result.passed + result.failed.length} failed: ${problem}`,
          };
  } catch (error) {
    outcome = { runtime, ok: false, detail: (error as Error).message };
  }
  report(outcome);
}

async function version(command: string, args: string[]): Promise<string> {
  // Debian's chromium wrapper may print a shell warning before the version line.
  const lines = (await run(command, args)).trim().split('\n');
  const line = lines.find((l) => /\d+\.\d+/.test(l) && !l.includes(': ')) ?? lines[0] ?? '?';
  return line.replace(/^(deno|workerd) /, '');
}

async function nodeLike(label: string, binary: string): Promise<void> {
  const v = await version(binary, ['--version']).catch(() => '?');
  await record(`${label} ${v} (import)`, async () => parse(await run(binary, ['esm.mjs'])), undefined, 'native');
  await record(`${label} ${v} (require)`, async () => parse(await run(binary, ['cjs.cjs'])), undefined, 'native');
}

async function workerd(): Promise<void> {
  const worker = await bundle('worker.mjs', {
    stdin: {
      contents: `${IMPORT_ENTRY}\nexport default { async test() { const r = await run(); console.log('SMOKE ' + JSON.stringify(r)); if (r.failed.length) throw new Error(r.failed.join('; ')); } };`,
      resolveDir: consumer,
    },
    format: 'esm',
    platform: 'neutral',
  });
  writeFileSync(
    join(consumer, 'workerd.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";\nconst config :Workerd.Config = (services = [(name = "smoke", worker = .smoke)]);\nconst smoke :Workerd.Worker = (modules = [(name = "worker", esModule = embed "${basename(worker)}")], compatibilityDate = "2025-01-01");\n`,
  );
  const binary = BINARIES.workerd;
  const v = await version(binary, ['--version']);
  await record(
    `workerd ${v}`,
    async () => parse(await run(binary, ['test', 'workerd.capnp'])),
    (r) => (r.globals.process || r.globals.Buffer ? 'Node globals present without nodejs_compat' : undefined),
    'pure',
  );
}

async function edgeRuntime(): Promise<void> {
  const script = await bundle('edge.js', {
    stdin: { contents: IMPORT_ENTRY, resolveDir: consumer },
    format: 'iife',
    globalName: '__smoke',
    platform: 'neutral',
  });
  // Loaded from the runtimes cache, not the project's dependencies; only this much of it is used.
  const { EdgeVM } = (await import(tool('@edge-runtime/vm/dist/index.js'))) as {
    EdgeVM: new () => { evaluate(code: string): unknown };
  };
  const version = (JSON.parse(readFileSync(tool('@edge-runtime/vm/package.json'), 'utf8')) as { version: string })
    .version;
  await record(
    `@edge-runtime/vm ${version}`,
    async () => {
      const vm = new EdgeVM();
      // The edge VM's own globals, before the package is loaded; the smoke suite checks again inside.
      const nodeGlobals = vm.evaluate('[typeof process, typeof Buffer, typeof require].join()');
      if (nodeGlobals !== 'undefined,undefined,undefined')
        throw new Error(`Node globals in the VM: ${String(nodeGlobals)}`);
      vm.evaluate(readFileSync(script, 'utf8'));
      return (await vm.evaluate('__smoke.run()')) as SmokeResult;
    },
    (r) => (r.globals.process || r.globals.Buffer ? 'process or Buffer is defined inside the edge VM' : undefined),
    'pure',
  );
}

async function chromium(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    report({ runtime: 'chromium', ok: false, detail: `${CHROMIUM} missing: apt-get install chromium` });
    return;
  }
  await bundle('browser.mjs', {
    stdin: {
      contents: `${IMPORT_ENTRY}\nrun().then((r) => { document.body.textContent = 'SMOKE_URI ' + encodeURIComponent(JSON.stringify(r)); }, (e) => { document.body.textContent = 'ERROR ' + e; });`,
      resolveDir: consumer,
    },
    format: 'esm',
    platform: 'browser',
  });
  writeFileSync(
    join(consumer, 'page.html'),
    '<!doctype html><meta charset="utf-8"><title>smoke</title><body>pending<script type="module" src="browser.mjs"></script></body>',
  );
  // Module scripts do not load from file://, so the page is served on loopback.
  const server = createServer((req, res) => {
    const file = resolve(consumer, `.${(req.url ?? '/').split('?')[0]}`);
    if (!file.startsWith(consumer) || !existsSync(file)) return res.writeHead(404).end();
    res
      .writeHead(200, { 'content-type': file.endsWith('.mjs') ? 'text/javascript' : 'text/html' })
      .end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/page.html`;
  const profile = mkdtempSync(join(tmpdir(), 'maw-chromium-'));
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
  ];
  try {
    const v = await version(CHROMIUM, ['--version']);
    await record(
      `headless ${v.replace(/ built on .*/, '')}`,
      async () => parse(await run(CHROMIUM, [...flags, '--virtual-time-budget=20000', '--dump-dom', url])),
      (r) => (r.globals.process || r.globals.Buffer ? 'Node globals in the page' : undefined),
      'pure',
    );
  } finally {
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** `import { unwrap }` must bundle for a platform with no Node built-ins at all. */
async function neutralBundle(): Promise<void> {
  let outcome: Outcome;
  try {
    const result = await build({
      stdin: { contents: "export { unwrap } from 'managed-agents-webhooks';", resolveDir: consumer },
      bundle: true,
      write: false,
      platform: 'neutral',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
      tsconfigRaw: NO_TSCONFIG,
    });
    const fromTarball = Object.keys(result.metafile.inputs).some((path) =>
      path.includes('consumer/node_modules/managed-agents-webhooks/dist/'),
    );
    if (!fromTarball) throw new Error('the bundle did not take the package from the installed tarball');
    const imports = Object.values(result.metafile.inputs).flatMap((input) =>
      input.imports.filter((i) => i.external).map((i) => i.path),
    );
    // Belt and braces: a built-in reached some way esbuild did not resolve (e.g. a require() it kept).
    const code = result.outputFiles[0]?.text ?? '';
    const builtins = new Set(builtinModules.map((name) => name.replace(/^node:/, '')));
    for (const match of code.matchAll(/\b(?:require\s*\(|import\s*\(|from\s*)\s*["'`]([^"'`]+)["'`]/g)) {
      const specifier = match[1] ?? '';
      if (specifier.startsWith('node:') || builtins.has(specifier.split('/')[0] ?? '')) imports.push(specifier);
    }
    outcome =
      imports.length === 0
        ? {
            runtime: 'esbuild platform=neutral',
            ok: true,
            detail: `import { unwrap } bundles with no Node built-ins (${result.outputFiles[0]?.contents.length ?? 0} bytes)`,
          }
        : { runtime: 'esbuild platform=neutral', ok: false, detail: `external imports: ${imports.join(', ')}` };
  } catch (error) {
    // An esbuild failure lists its errors, e.g. `Could not resolve "node:crypto"`.
    const first = (error as { errors?: Array<{ text: string }> }).errors?.[0]?.text;
    outcome = { runtime: 'esbuild platform=neutral', ok: false, detail: first ?? (error as Error).message };
  }
  report(outcome);
}

/**
 * examples/elysia served by Elysia under Bun, its home runtime, with the installed package: a valid
 * delivery, its re-delivery, a tampered one and an oversized one over real HTTP on 127.0.0.1.
 */
async function elysiaOnBun(bunVersion: string): Promise<void> {
  const elysia = (
    JSON.parse(readFileSync(join(root, 'node_modules/elysia/package.json'), 'utf8')) as { version: string }
  ).version;
  const runtime = `bun ${bunVersion} + Elysia ${elysia} (examples/elysia)`;
  try {
    await bundle('elysia-app.mjs', {
      entryPoints: [join(root, 'examples/elysia/app.ts')],
      format: 'esm',
      platform: 'neutral',
      // Elysia from the project's node_modules, the package from the installed tarball.
      external: ['elysia', 'managed-agents-webhooks', 'managed-agents-webhooks/*'],
    });
    writeFileSync(join(consumer, 'elysia.mjs'), ELYSIA_ENTRY);
    const output = await run(BINARIES.bun, ['elysia.mjs']);
    const line = output.split('\n').find((l) => l.startsWith('ELYSIA '));
    if (line === undefined) throw new Error(`no result: ${output.trim().slice(-300)}`);
    const got = JSON.parse(line.slice(7)) as Record<string, unknown>;
    const expected = {
      valid: [200, { ok: true, duplicate: false }],
      duplicate: [200, { ok: true, duplicate: true }],
      tampered: [400, 'invalid_signature'],
      tooLarge: [413, 'body_too_large'],
      handled: 1,
    };
    const wrong = Object.entries(expected).filter(([k, v]) => JSON.stringify(got[k]) !== JSON.stringify(v));
    report(
      wrong.length === 0
        ? { runtime, ok: true, detail: 'valid 200, re-delivery a duplicate, tampered 400, oversized 413, over HTTP' }
        : { runtime, ok: false, detail: wrong.map(([k]) => `${k}: ${JSON.stringify(got[k])}`).join('; ') },
    );
  } catch (error) {
    report({ runtime, ok: false, detail: (error as Error).message.split('\n')[0] ?? '' });
  }
}

const ELYSIA_ENTRY = `
import * as lib from 'managed-agents-webhooks';
import { createApp } from './elysia-app.mjs';
const secret = lib.generateSecret();
const handled = [];
const app = createApp({ secret, log: (line) => handled.push(line) }).listen({ port: 0, hostname: '127.0.0.1' });
const url = 'http://127.0.0.1:' + app.server.port + '/webhooks';
const event = lib.createSampleEvent('session.status_idled');
const signed = (id, body) => ({ 'content-type': 'application/json', ...lib.sign({ id, timestamp: new Date(), body, secret }) });
const send = async (body, headers) => {
  const response = await fetch(url, { method: 'POST', headers, body });
  const json = await response.json();
  return [response.status, json.error ?? json];
};
const body = JSON.stringify(event);
const big = body.padEnd(1024 * 1024 + 1, ' ');
const result = {
  valid: await send(body, signed('msg_elysia_1', body)),
  duplicate: await send(body, signed('msg_elysia_2', body)),
  tampered: await send(body + ' ', signed('msg_elysia_3', body)),
  tooLarge: await send(big, signed('msg_elysia_4', big)),
};
result.handled = handled.length;
await app.stop();
console.log('ELYSIA ' + JSON.stringify(result));
`;

const started = performance.now();
let ready = false;
try {
  installTools();
  installPackage();
  await writeEntries();
  ready = true;
} catch (error) {
  report({
    runtime: 'setup (runtimes, npm pack, consumer)',
    ok: false,
    detail: (error as Error).message.split('\n')[0] ?? '',
  });
}
if (ready) {
  await neutralBundle();
  await nodeLike('node', process.execPath);
  await nodeLike('node', BINARIES.node22);
  await nodeLike('node', BINARIES.node24);
  await guarded('deno', async () => {
    const v = (await version(BINARIES.deno, ['--version'])).split(' ')[0] ?? '?';
    await record(
      `deno ${v}`,
      async () => parse(await run(BINARIES.deno, ['run', '--no-prompt', '--allow-read', 'esm.mjs'])),
      undefined,
      'native',
    );
  });
  await guarded('bun', async () => {
    const v = await version(BINARIES.bun, ['--version']);
    await record(`bun ${v} (import)`, async () => parse(await run(BINARIES.bun, ['esm.mjs'])), undefined, 'native');
    await record(`bun ${v} (require)`, async () => parse(await run(BINARIES.bun, ['cjs.cjs'])), undefined, 'native');
    await elysiaOnBun(v);
  });
  await guarded('workerd', workerd);
  await guarded('@edge-runtime/vm', edgeRuntime);
  await guarded('headless chromium', chromium);
}

const failed = outcomes.filter((o) => !o.ok).length;
console.log(`\n${outcomes.length} runtimes and targets in ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log(`${outcomes.length - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
