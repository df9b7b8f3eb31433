// What `npm publish` would ship: exactly the built entries, the CLI, the type declarations and
// the documents a published library carries — nothing from src/, test/, examples/ or caches.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
  exports: Record<string, unknown>;
};

interface PackEntry {
  files: Array<{ path: string }>;
  version: string;
}

function packList(): PackEntry {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const [entry] = JSON.parse(out) as PackEntry[];
  if (entry === undefined) throw new Error('npm pack --json printed no entry');
  return entry;
}

describe('the npm pack tarball', () => {
  if (!existsSync(new URL('../dist/index.cjs', import.meta.url)))
    throw new Error('dist/ is missing: run npm run build first');
  const entry = packList();
  const files = entry.files.map((f) => f.path).sort();

  it('ships the documents', () => {
    for (const doc of ['LICENSE', 'CHANGELOG.md', 'SECURITY.md', 'README.md', 'package.json'])
      expect(files).toContain(doc);
    expect(readFileSync(new URL('../LICENSE', import.meta.url), 'utf8')).toMatch(/^MIT License/);
    expect(readFileSync(new URL('../CHANGELOG.md', import.meta.url), 'utf8')).toContain(`## ${entry.version} - `);
  });

  it('ships every subpath in both formats with its types, and the CLI', () => {
    const entries = Object.keys(pkg.exports)
      .filter((key) => key !== './package.json')
      .map((key) => (key === '.' ? 'index' : key.slice(2)));
    expect(entries).toEqual([
      'index',
      'web',
      'node',
      'idempotency',
      'lambda',
      'resources',
      'queue',
      'reconcile',
      'telemetry',
      'simulate',
    ]);
    for (const name of entries) {
      for (const ext of ['js', 'cjs', 'd.ts', 'd.cts']) expect(files).toContain(`dist/${name}.${ext}`);
    }
    expect(files).toContain('dist/cli.js');
  });

  it('ships nothing else: only shared chunks and declaration chunks besides', () => {
    const expected = new Set(['LICENSE', 'CHANGELOG.md', 'SECURITY.md', 'README.md', 'package.json', 'dist/cli.js']);
    const stray = files.filter(
      (path) =>
        !expected.has(path) &&
        !/^dist\/(index|web|node|idempotency|lambda|resources|queue|reconcile|telemetry|simulate)\.(js|cjs|d\.ts|d\.cts)$/.test(
          path,
        ) &&
        // tsup's shared code (chunk-HASH) and shared declarations (module-HASH).
        !/^dist\/chunk-[A-Z0-9]{8}\.(js|cjs)$/.test(path) &&
        !/^dist\/[a-z-]+-[A-Za-z0-9_-]{8}\.d\.c?ts$/.test(path),
    );
    expect(stray).toEqual([]);
    expect(files.filter((path) => /\.map$|^src\/|^test\/|^examples\/|^\.cache\//.test(path))).toEqual([]);
  });

  it('is the version in package.json, the one the CHANGELOG describes', () => {
    expect(entry.version).toBe(pkg.version);
  });
});
