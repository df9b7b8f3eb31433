// @opentelemetry/api is an optional peer: only managed-agents-webhooks/telemetry may import it. The
// instrumented entries reach telemetry through src/instrument (no imports beyond the core), and the
// root entry reaches neither. Proved on the sources, then at run time: the adapters bundled with
// every @opentelemetry import made an error, run where no such package exists.
import { build, type Plugin } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../src/index.js';
import { delivery } from './support/deliveries.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms)].map((m) => m[1] ?? '');
}

/** Every source file an entry reaches through relative imports. */
function reachable(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [join(src, entry)];
  // Bounded by the number of source files: each is visited once.
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of specifiers(file)) {
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  }
  return [...seen].map((file) => relative(src, file));
}

describe('the optional OpenTelemetry peer', () => {
  it('is imported only under src/telemetry', () => {
    const offenders = sourceFiles(src).flatMap((file) =>
      specifiers(file)
        .filter((s) => s.startsWith('@opentelemetry/') && !relative(src, file).startsWith('telemetry'))
        .map((s) => `${relative(root, file)}: ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('src/instrument, which the instrumented entries import, imports nothing but the core and itself', () => {
    const files = sourceFiles(join(src, 'instrument'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      for (const specifier of specifiers(file)) {
        const target = relative(src, resolve(dirname(file), specifier));
        expect(`${relative(src, file)} → ${specifier}`).toMatch(/→ \.\.?\//);
        expect(target.startsWith('instrument') || target.startsWith('core')).toBe(true);
      }
    }
  });

  it('no entry but /telemetry reaches src/telemetry; the root reaches no instrumentation at all', () => {
    for (const entry of [
      'index.ts',
      'adapters/web.ts',
      'adapters/node.ts',
      'lambda/index.ts',
      'queue/index.ts',
      'resources/index.ts',
      'reconcile/index.ts',
      'idempotency/index.ts',
    ]) {
      expect(reachable(entry).filter((file) => file.startsWith('telemetry'))).toEqual([]);
    }
    const fromRoot = reachable('index.ts');
    expect(fromRoot).toContain('events/catalog.ts'); // the walk does follow imports
    expect(fromRoot.filter((file) => file.startsWith('instrument'))).toEqual([]);
    // And the instrumented entries do reach the hook (so the walk above means something).
    for (const entry of [
      'adapters/web.ts',
      'adapters/node.ts',
      'lambda/index.ts',
      'queue/index.ts',
      'resources/index.ts',
    ]) {
      expect(reachable(entry)).toContain('instrument/hook.ts');
    }
  });
});

describe('without @opentelemetry/api installed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'maw-no-otel-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const forbid: Plugin = {
    name: 'no-opentelemetry',
    setup(b) {
      b.onResolve({ filter: /^@opentelemetry\// }, (args) => ({
        errors: [{ text: `${args.importer} imports ${args.path}` }],
      }));
    },
  };

  it('the root and the adapters bundle without it and verify deliveries, refusals and the alarm included', async () => {
    const script = join(dir, 'run.mjs');
    await build({
      stdin: {
        contents: `
          import { unwrap } from './src/index.ts';
          import { unwrapRequest } from './src/adapters/web.ts';
          import { unwrapNodeRequest, createRefusalAlarm } from './src/adapters/node.ts';
          import { unwrapLambdaEvent } from './src/lambda/index.ts';
          const [secret, d] = JSON.parse(process.argv[2]);
          const out = [];
          out.push(unwrap(d.body, d.headers, { secret }).data.type);
          out.push((await unwrapRequest(new Request('http://x/', { method: 'POST', headers: d.headers, body: d.body }), { secret })).data.type);
          out.push((await unwrapNodeRequest({ headers: d.headers, body: d.body }, { secret })).data.type);
          out.push(unwrapLambdaEvent({ headers: d.headers, body: d.body }, { secret }).data.type);
          let alarms = 0;
          const refusalAlarm = createRefusalAlarm({ threshold: 2, onAlarm: () => alarms++ });
          for (let i = 0; i < 3; i++) {
            try { await unwrapNodeRequest({ headers: d.headers, body: d.body }, { secret: 'whsec_' + btoa('x'.repeat(32)), refusalAlarm }); }
            catch (error) { out.push(error.code); }
          }
          out.push('alarms:' + alarms);
          console.log(JSON.stringify(out));
        `,
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: script,
      plugins: [forbid],
      logLevel: 'silent',
    });
    expect(readFileSync(script, 'utf8')).not.toMatch(/@opentelemetry/);
    // A folder outside the repository: no node_modules above it holds @opentelemetry/api.
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const secret = generateSecret();
    const d = delivery(secret);
    const out = execFileSync(process.execPath, [script, JSON.stringify([secret, d])], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(JSON.parse(out)).toEqual([
      'session.status_idled',
      'session.status_idled',
      'session.status_idled',
      'session.status_idled',
      'invalid_signature',
      'invalid_signature',
      'invalid_signature',
      'alarms:1',
    ]);
  });

  it('and /telemetry is the one entry that needs it', async () => {
    const failure = await build({
      entryPoints: [join(src, 'telemetry/index.ts')],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      plugins: [forbid],
      logLevel: 'silent',
    }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(/imports @opentelemetry\/api/);
  });
});
