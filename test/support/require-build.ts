// vitest globalSetup: examples, the CLI and the package tests import the BUILT package (dist/, through
// node_modules/managed-agents-webhooks -> the repo root), as users do. Without dist/ they would fail
// one by one with unrelated-looking "cannot find module" errors; say what to do once instead.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

export function setup(): void {
  const built = join(root, 'dist/index.js');
  if (!existsSync(built) || !existsSync(join(root, 'dist/cli.js'))) {
    throw new Error('dist/ is missing: run npm run build first (examples and the CLI are tested as built).');
  }
  // A warning, not a failure: a run of a test that never touches dist/ stays possible while editing src/.
  // Once per run, not once per project.
  if (process.env.MAW_BUILD_CHECKED) return;
  process.env.MAW_BUILD_CHECKED = '1';
  if (newest(join(root, 'src')) > statSync(built).mtimeMs) {
    console.warn(
      '\nwarning: src/ changed after the last build; examples, the CLI and the package tests use dist/: run npm run build.\n',
    );
  }
}
