// `npm run test:readme`: every ```ts block of README.md must compile under strict mode against
// the built package; a block that does not fails the build, with the README line of each error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSnippets, extractSnippets, formatErrors } from './snippets.js';

// Run by npm from the package root (it is bundled into .cache/ first, so not relative to this file).
const root = process.cwd();
const readme = join(root, 'README.md');
const snippets = extractSnippets(readFileSync(readme, 'utf8'));
const errors = checkSnippets(snippets, join(root, '.cache/readme-snippets'));
for (const line of formatErrors(readme, errors)) console.error(line);
if (snippets.length === 0) {
  console.error('README.md: no ```ts blocks found; the check would prove nothing');
  process.exitCode = 1;
} else if (errors.length > 0) {
  console.error(`\nREADME.md: ${errors.length} TypeScript error(s) in ${snippets.length} \`\`\`ts blocks`);
  process.exitCode = 1;
} else {
  console.log(`README.md: ${snippets.length} \`\`\`ts blocks type-check (strict) against the package`);
}
