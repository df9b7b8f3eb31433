// The size a user's bundle grows by for `import { unwrap } from 'managed-agents-webhooks'`, and
// that it needs no Node built-in. Exits 1 over the budget or on a built-in. Run: npm run test:size
import { BUDGET_BYTES, kb, unwrapBundle } from './bundle-size.js';

const report = await unwrapBundle();
console.log(
  `unwrap entry: ${kb(report.minified)} minified, ${kb(report.gzipped)} minified + gzip (budget ${kb(BUDGET_BYTES)})`,
);
for (const [owner, bytes] of report.parts) console.log(`  ${owner}: ${kb(bytes)} minified`);
console.log(`  Node built-ins: ${report.builtins.length === 0 ? 'none' : report.builtins.join(', ')}`);
if (report.gzipped > BUDGET_BYTES) {
  console.error(`over budget by ${report.gzipped - BUDGET_BYTES} bytes`);
  process.exitCode = 1;
}
if (report.builtins.length > 0) {
  console.error('the unwrap bundle must load on runtimes without Node built-ins');
  process.exitCode = 1;
}
