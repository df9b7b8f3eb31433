import { readFileSync } from 'node:fs';

/**
 * The package's version, read from its package.json beside `dist/` at run time, so the CLI
 * reports what is installed rather than what it was built from.
 */
export function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    if (typeof pkg.version === 'string') return pkg.version;
  } catch {
    // Fall through: a bundled copy without its package.json.
  }
  return 'unknown';
}
