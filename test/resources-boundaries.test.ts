// @anthropic-ai/sdk is an optional peer: only managed-agents-webhooks/resources and /reconcile (which
// builds on it) may mention it, and only for types (the function calls the client it is given), and the root entry must not pull in
// src/resources at all.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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

// Each `import … from '…'` / `export … from '…'` statement with its specifier.
function imports(file: string): { statement: string; specifier: string }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms)].map((m) => ({
    statement: m[0],
    specifier: m[1] ?? '',
  }));
}

describe('the optional SDK peer', () => {
  it('is imported only by src/resources and src/reconcile, and only as types', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(src)) {
      const inResources = /^(resources|reconcile)\//.test(relative(src, file));
      for (const { statement, specifier } of imports(file)) {
        if (!specifier.startsWith('@anthropic-ai/sdk')) continue;
        if (!inResources || !/^import\s+type\b/.test(statement))
          offenders.push(`${relative(root, file)}: ${statement}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('is not reachable from the root entry: src/index.ts never imports src/resources', () => {
    const seen = new Set<string>();
    const queue = [join(src, 'index.ts')];
    // Bounded by the number of source files: each is visited once.
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const { specifier } of imports(file)) {
        if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      }
    }
    const reached = [...seen].map((file) => relative(src, file));
    expect(reached).toContain('events/catalog.ts'); // the walk does follow imports
    expect(reached.filter((file) => file.startsWith('resources'))).toEqual([]);
  });
});
