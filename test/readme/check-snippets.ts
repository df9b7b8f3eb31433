// `npm run test:readme`: every ```ts block of README.md and of the docs site (docs/**/*.md and the
// files its pages include) must compile under strict mode against the built package; a block that
// does not fails the build, with the file and line of each error.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkSnippets, extractSnippets, formatErrors } from './snippets.js';
import { markdownSources } from './sources.js';

// Run by npm from the package root (it is bundled into .cache/ first, so not relative to this file).
const root = process.cwd();
const files = markdownSources(root);
const perFile = files.map((file) => extractSnippets(readFileSync(file, 'utf8'), file));
const snippets = perFile.flat();
const errors = checkSnippets(snippets, join(root, '.cache/readme-snippets'));
for (const line of formatErrors(errors)) console.error(line);

// An extractor that found nothing would pass everything: the README and the site both have blocks.
const readme = perFile[0]!.length;
const where = `${files.length} Markdown files (README.md, docs/ and what its pages include)`;
if (readme === 0 || snippets.length === readme) {
  console.error(`no \`\`\`ts blocks found in ${readme === 0 ? 'README.md' : 'docs/'}; the check would prove nothing`);
  process.exitCode = 1;
} else if (errors.length > 0) {
  const failing = new Set(errors.map((e) => relative(root, e.file)));
  console.error(
    `\n${errors.length} TypeScript error(s) in ${[...failing].join(', ')}; ${snippets.length} \`\`\`ts blocks in ${where}`,
  );
  process.exitCode = 1;
} else {
  const counts = files
    .map((file, i) => `${relative(root, file)} ${perFile[i]!.length}`)
    .filter((entry) => !entry.endsWith(' 0'));
  console.log(
    `${snippets.length} \`\`\`ts blocks in ${where} type-check (strict) against the package: ${counts.join(', ')}`,
  );
}
