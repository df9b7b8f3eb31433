// The size a user's bundle grows by for `import { unwrap } from 'managed-agents-webhooks'`:
// esbuild-bundled from dist/ for a platform with no Node built-ins, minified, gzipped.
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { gzipSync } from 'node:zlib';

// The budget guards against growth. The core's dependencies now come down to SHA-256 from
// @noble/hashes (about 6.4 KB minified); the rest is the core, whose messages name each fix.
// 0.3.0 raised it from 8.5 KB: the one duration-option rule, the well-formed-id check and the
// strict ArrayBuffer check (issue 18's fixes) added about 470 bytes gzip that no trim recovered.
export const BUDGET_BYTES = 9.25 * 1024;

export interface BundleReport {
  minified: number;
  gzipped: number;
  /** Minified bytes per package (this one as managed-agents-webhooks), largest first. */
  parts: Array<[string, number]>;
  /** Node built-ins the bundle imports or requires; must be empty. */
  builtins: string[];
}

export async function unwrapBundle(): Promise<BundleReport> {
  const result = await build({
    stdin: { contents: "export { unwrap } from './dist/index.js';", resolveDir: process.cwd() },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    // Neutral: a `node:` import would fail to resolve here rather than be left for Node to load.
    platform: 'neutral',
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const text = result.outputFiles[0]?.text ?? '';
  const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
  const parts = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    // SHA-256 from @noble/hashes is inside dist/ already, so it counts toward this package here.
    const owner = path.match(/node_modules\/(@[^/]+\/[^/]+|[^/]+)/)?.[1] ?? 'managed-agents-webhooks';
    parts.set(owner, (parts.get(owner) ?? 0) + bytesInOutput);
  }
  // Also a built-in reached some way esbuild left in place (a require() or import() it kept).
  const names = new Set(builtinModules.map((name) => name.replace(/^node:/, '')));
  const builtins: string[] = [];
  for (const match of text.matchAll(/\b(?:require\s*\(|import\s*\(|from\s*)\s*["'`]([^"'`]+)["'`]/g)) {
    const specifier = match[1] ?? '';
    if (specifier.startsWith('node:') || names.has(specifier.split('/')[0] ?? '')) builtins.push(specifier);
  }
  return {
    minified: code.length,
    gzipped: gzipSync(code, { level: 9 }).length,
    parts: [...parts].sort((a, b) => b[1] - a[1]),
    builtins,
  };
}

export function kb(n: number): string {
  return `${(n / 1024).toFixed(2)} KB`;
}
