// Which Markdown files `npm run test:readme` checks: the README, every page of the docs site, and
// every file a page pulls in with VitePress's `<!--@include: path-->` (such as an example's
// README), since the site shows their code as its own.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// The include syntax, minus the optional `{from,to}` line range and `#region` suffix.
const INCLUDE = /<!--\s*@include:\s*([^\s{#]+?)(?:[{#][^>]*)?\s*-->/g;

/** Files that are site output or copies, not pages: TypeDoc's HTML, the build and its cache. */
function isPage(relativePath: string): boolean {
  return relativePath.endsWith('.md') && !/(^|\/)(node_modules|public|\.vitepress)(\/|$)/.test(relativePath);
}

/** README.md, then docs/**\/*.md (sorted), then what they include; absolute paths, each once. */
export function markdownSources(root: string): string[] {
  const docs = join(root, 'docs');
  const pages = existsSync(docs)
    ? readdirSync(docs, { recursive: true, encoding: 'utf8' })
        .map((p) => p.split('\\').join('/'))
        .filter(isPage)
        .sort()
        .map((p) => join(docs, p))
    : [];
  const files = [join(root, 'README.md'), ...pages];
  const seen = new Set(files);
  // Breadth-first over includes; `seen` stops a cycle, and each file is read once.
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    for (const [, target] of readFileSync(file, 'utf8').matchAll(INCLUDE)) {
      const included = resolve(dirname(file), target!);
      if (!existsSync(included)) throw new Error(`${file}: <!--@include: ${target}--> names no file`);
      if (included.endsWith('.md') && !seen.has(included)) {
        seen.add(included);
        files.push(included);
      }
    }
  }
  return files;
}
