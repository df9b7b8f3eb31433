// Each folder of examples/ is an npm workspace a user can copy out: it declares every package it
// imports, gets this library through the `file:../..` link (so it runs the built dist/, as a user
// does), and pins the same ranges as the root and the other examples, so npm hoists one copy that
// test/ finds too. An import that only works because another workspace hoisted it fails here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Manifest {
  name?: string;
  private?: boolean;
  type?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  workspaces?: string[];
}

const read = (path: string): Manifest => JSON.parse(readFileSync(path, 'utf8')) as Manifest;
const rootManifest = read(join(root, 'package.json'));
const folders = readdirSync(join(root, 'examples'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const packageName = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * The packages a folder's sources import (`x` of `x/sub`; no built-ins, no relative paths), each
 * with whether some import of it is a value import (a type-only one may be met by `@types/x`).
 */
function importedPackages(dir: string): Map<string, boolean> {
  const names = new Map<string, boolean>();
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter(
    (entry) =>
      entry.isFile() && /\.(ts|tsx|mts|js|mjs|cjs)$/.test(entry.name) && !entry.parentPath.includes('node_modules'),
  );
  const any = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  const typeOnly = /\bimport\s+type\s[^;]*?\bfrom\s*['"]([^'"]+)['"]/g;
  for (const file of files) {
    const text = readFileSync(join(file.parentPath, file.name), 'utf8');
    const count = (pattern: RegExp): Map<string, number> => {
      const counts = new Map<string, number>();
      for (const [, specifier = ''] of text.matchAll(pattern)) {
        if (specifier.startsWith('.') || specifier.startsWith('node:') || specifier.startsWith('npm:')) continue;
        const name = packageName(specifier);
        if (!builtinModules.includes(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      return counts;
    };
    const types = count(typeOnly);
    for (const [name, n] of count(any)) names.set(name, (names.get(name) ?? false) || n > (types.get(name) ?? 0));
  }
  return names;
}

describe('examples are npm workspaces', () => {
  it('the root declares them, and keeps no framework only an example uses', () => {
    expect(rootManifest.workspaces).toEqual(['examples/*']);
    expect(Object.keys(rootManifest.devDependencies ?? {})).not.toContain('next');
    expect(Object.keys(rootManifest.devDependencies ?? {})).not.toContain('@nestjs/core');
  });

  it.each(folders)('examples/%s has a package.json following the convention', (folder) => {
    const path = join(root, 'examples', folder, 'package.json');
    expect(existsSync(path), `examples/${folder}/package.json is missing (see docs/development.md)`).toBe(true);
    const manifest = read(path);
    expect(manifest).toMatchObject({ name: `example-${folder}`, private: true, type: 'module' });
    expect(manifest.dependencies?.['managed-agents-webhooks']).toBe('file:../..');
  });

  it.each(folders)('examples/%s declares every package it imports', (folder) => {
    const manifest = read(join(root, 'examples', folder, 'package.json'));
    const declared = { ...manifest.dependencies, ...manifest.devDependencies };
    const undeclared = [...importedPackages(join(root, 'examples', folder))]
      .filter(([name, asValue]) => !(name in declared) && (asValue || !(`@types/${name}` in declared)))
      .map(([name]) => name);
    expect(undeclared, `add them to examples/${folder}/package.json`).toEqual([]);
  });

  it('one range per package across the root and every example, so npm hoists one copy', () => {
    const ranges = new Map<string, Set<string>>();
    const manifests = [rootManifest, ...folders.map((folder) => read(join(root, 'examples', folder, 'package.json')))];
    for (const manifest of manifests) {
      for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
        if (name !== 'managed-agents-webhooks') ranges.set(name, (ranges.get(name) ?? new Set()).add(range));
      }
    }
    const split = [...ranges]
      .filter(([, set]) => set.size > 1)
      .map(([name, set]) => `${name}: ${[...set].join(' vs ')}`);
    expect(split).toEqual([]);
  });
});
