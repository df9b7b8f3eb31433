// npm run catalog:check — fails, naming each type or field, when the event catalogue
// (src/events/catalog.ts) differs from what the installed @anthropic-ai/sdk declares.
// Options: --declarations FILE (a webhooks.d.ts to read instead of the installed SDK's).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { EVENT_CATALOG } from '../src/events/catalog.js';
import { compareCatalogues, DOCUMENTED_ADDITIONS, readSdkDeclarations } from './catalog-drift.js';

const { values } = parseArgs({ options: { declarations: { type: 'string' } } });

let file = values.declarations;
let source = file ?? '';
if (file === undefined) {
  // The package's main entry sits at its root; its exports map has no ./package.json.
  const root = dirname(createRequire(join(process.cwd(), 'package.json')).resolve('@anthropic-ai/sdk'));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  file = join(root, 'resources', 'beta', 'webhooks.d.ts');
  source = `@anthropic-ai/sdk ${version}`;
}

const sdk = readSdkDeclarations(file);
const problems = compareCatalogues(sdk, EVENT_CATALOG);
if (problems.length > 0) {
  console.error(`catalog:check: src/events/catalog.ts differs from ${source === file ? file : `${source} (${file})`}:`);
  for (const problem of problems) console.error(`  - ${problem}`);
  console.error(
    'Update src/events/catalog.ts (and src/resources/table.ts, samples, vectors: see docs/guide/verify.md, "When Anthropic adds an event type").',
  );
  process.exitCode = 1;
} else {
  const extra = Object.keys(DOCUMENTED_ADDITIONS);
  console.log(
    `catalog:check: src/events/catalog.ts matches ${source}: ${sdk.events.size} types, plus ${extra.length} documented addition${extra.length === 1 ? '' : 's'} (${extra.join(', ')}).`,
  );
}
