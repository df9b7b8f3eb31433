// `npm run docs` is a gate: with this repository's typedoc.json, an exported function without a
// doc comment fails the build, and documenting it passes. Run on a one-file fixture project.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
// Outside the checkout: TypeDoc skips entry points under a dot-folder such as .cache/.
const dir = mkdtempSync(join(tmpdir(), 'maw-typedoc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function typedoc(source: string): Promise<{ code: number; output: string }> {
  writeFileSync(join(dir, 'index.ts'), source);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, module: 'nodenext', target: 'es2022', types: [], skipLibCheck: true },
      files: ['index.ts'],
    }),
  );
  writeFileSync(
    join(dir, 'typedoc.json'),
    JSON.stringify({
      extends: [join(root, 'typedoc.json')],
      entryPoints: ['./index.ts'],
      tsconfig: './tsconfig.json',
      out: './out',
    }),
  );
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'node_modules/typedoc/bin/typedoc'), '--options', join(dir, 'typedoc.json')],
      { cwd: dir, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe('npm run docs', () => {
  it('fails on an exported function without docs, and passes once it has them', async () => {
    const missing = await typedoc(
      '/** Documented. */\nexport const a = 1;\nexport function b(): number {\n  return 2;\n}\n',
    );
    expect(missing.code).not.toBe(0);
    expect(missing.output).toMatch(/b \(CallSignature\).*does not have any documentation/);

    const documented = await typedoc(
      '/** Documented. */\nexport const a = 1;\n/** Two. */\nexport function b(): number {\n  return 2;\n}\n',
    );
    expect(documented.output).not.toMatch(/warning|error/);
    expect(documented.code).toBe(0);
  }, 120_000);
});
